/// An error from the PostgreSQL side, with a code a caller can match and a message a
/// user can act on.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }

        /// The connection could not be established.
        public static let connectionFailed = Code(name: "connectionFailed")
        /// An established connection broke.
        public static let connectionLost = Code(name: "connectionLost")
        /// PostgreSQL rejected a statement.
        public static let queryFailed = Code(name: "queryFailed")
        /// PostgreSQL answered with something the relay cannot read.
        public static let unexpectedResult = Code(name: "unexpectedResult")
        /// The relay is shutting down and runs no more queries.
        public static let stopped = Code(name: "stopped")
    }

    /// What kind of failure this is.
    public let code: Code
    /// What happened, in words a user can act on.
    public let message: String
    /// PostgreSQL's five-character SQLSTATE, when the server sent one.
    public let sqlState: String?
    /// The server's one-line primary message (without "ERROR:", detail or context),
    /// when the server sent one: what may be shown to a client.
    public let serverMessage: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, sqlState: String? = nil, serverMessage: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.serverMessage = serverMessage
    }

    public var description: String { message }

    /// Whether the database could not be reached or went away: worth trying again on a
    /// fresh connection, unlike an error PostgreSQL answered a statement with.
    public var isUnreachable: Bool { code == .connectionFailed || code == .connectionLost }
}
