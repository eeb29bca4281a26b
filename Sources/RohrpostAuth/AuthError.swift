/// A configuration or key-loading failure of the auth module, in words an operator can act on.
public struct AuthError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }
        /// A key, secret or JWKS file could not be read or understood.
        public static let invalidKey = Code(name: "invalidKey")
        /// A setting is not valid (an unknown algorithm, a bad function name).
        public static let invalidConfiguration = Code(name: "invalidConfiguration")
    }

    /// What kind of failure this is.
    public let code: Code
    /// What happened and what to do.
    public let message: String

    /// Creates an error from its code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
