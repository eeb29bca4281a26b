/// A failure of the test fixtures, with a message that says what went wrong and where to look.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure, for tests that expect a particular one.
    public enum Code: Sendable, Equatable {
        /// The server answered the WebSocket upgrade request with something other than 101.
        case upgradeFailed(status: Int)
        /// Nothing arrived within the time a test allowed.
        case timedOut
        /// The WebSocket connection is closed and nothing more is buffered.
        case connectionClosed
        /// A message arrived where a test expected none, or of a kind it did not expect.
        case unexpectedMessage
        /// A file the tests need is missing or unreadable.
        case missingFixture
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, for the test log.
    public let description: String

    /// Creates an error of the given kind.
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
