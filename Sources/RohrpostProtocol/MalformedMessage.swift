/// A message that is not a request at all, with the exact error text the original
/// rohrpost server answers it with.
///
/// The reply carries only `error`: no `id` or `type` was readable.
public struct MalformedMessage: Error, Sendable, Hashable {
    /// Which check the message failed.
    public enum Code: String, Sendable, Hashable {
        /// An empty text frame, or a binary frame.
        case empty
        /// Not JSON.
        case invalidJSON
        /// JSON, but not an object.
        case notAnObject
        /// No `type` member.
        case missingType
        /// No `id` member.
        case missingID
    }

    /// Which check the message failed.
    public var code: Code
    /// The error text sent to the client, e.g. "Missing required field 'type'.".
    public var text: String

    /// Creates a malformed-message error from its parts.
    public init(code: Code, text: String) {
        self.code = code
        self.text = text
    }

    /// The reply for the client: `{"error":"<text>"}`.
    public var reply: Reply { Reply(error: text) }

    /// An empty text frame; the relay answers binary frames with it too.
    public static let empty = Self(code: .empty, text: "Received empty message.")

    /// Text that is not JSON; `error` says where and why.
    public static func invalidJSON(_ error: JSONParseError) -> Self {
        Self(code: .invalidJSON, text: "Could not decode JSON message. Error: \(error.detail)")
    }

    /// JSON that is not an object.
    public static let notAnObject = Self(code: .notAnObject, text: "Expected a JSON object as message.")

    /// An object with no `type`.
    public static let missingType = Self(code: .missingType, text: "Missing required field 'type'.")

    /// An object with a `type` but no `id`.
    public static let missingID = Self(code: .missingID, text: "Missing required field 'id'.")
}

extension MalformedMessage: CustomStringConvertible {
    /// The error text sent to the client.
    public var description: String { text }
}
