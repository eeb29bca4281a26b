/// Why the `data` of a subscribe or unsubscribe names no group.
///
/// ``text`` is the reply's `error`, e.g. "Invalid subscription: data must be an object".
public struct InvalidSubscription: Error, Sendable, Hashable {
    /// Which rule `data` breaks.
    public enum Code: String, Sendable, Hashable {
        /// `data` is missing or not an object.
        case dataNotAnObject
        /// `data.type` is missing, not a string, or empty.
        case typeNotANonEmptyString
        /// `data.id` is neither a string nor an integer.
        case idNotAStringOrInteger
        /// The group name is longer than ``Group/maximumNameLength``.
        case groupNameTooLong
        /// `data.since` is present but not a non-negative integer that fits 64 bits.
        case sinceNotAPosition
    }

    /// Which rule `data` breaks.
    public var code: Code
    /// The error text sent to the client.
    public var text: String

    /// Creates an invalid-subscription error from its parts.
    public init(code: Code, text: String) {
        self.code = code
        self.text = text
    }

    static let dataNotAnObject = Self(
        code: .dataNotAnObject,
        text: "Invalid subscription: data must be an object"
    )
    static let typeNotANonEmptyString = Self(
        code: .typeNotANonEmptyString,
        text: "Invalid subscription: data.type must be a non-empty string"
    )
    static let idNotAStringOrInteger = Self(
        code: .idNotAStringOrInteger,
        text: "Invalid subscription: data.id must be a string or an integer"
    )
    static let sinceNotAPosition = Self(
        code: .sinceNotAPosition,
        text: "Invalid subscription: data.since must be a non-negative integer"
    )
    static let groupNameTooLong = Self(
        code: .groupNameTooLong,
        text: "Invalid subscription: group name is longer than \(Group.maximumNameLength) bytes"
    )
}

extension InvalidSubscription: CustomStringConvertible {
    /// The error text sent to the client.
    public var description: String { text }
}
