/// A JSON value as it was written: numbers keep their digits, objects keep their key order.
///
/// The relay must echo a client's `id` and ping `data` unchanged, so numbers are held as
/// their text (``JSONNumber``) rather than as `Double`, and an object is a list of members
/// rather than a dictionary.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as its text.
    case number(JSONNumber)
    /// A string, unescaped.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object's members in the order they were written; duplicate keys are kept.
    case object([Member])

    /// One `"key": value` pair of a JSON object.
    public struct Member: Sendable, Hashable {
        /// The member's key.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// Creates a member from its key and value.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// How deeply arrays and objects may nest when parsing, unless told otherwise: 512.
    public static let defaultMaximumDepth = 512
}

extension JSONValue {
    /// The value of the member named `key` if this is an object, else `nil`.
    ///
    /// When a key appears more than once the last one wins, as in JavaScript and Python.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// Whether this value is a JSON object.
    public var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// The string if this value is a JSON string, else `nil`.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The number if this value is a JSON number, else `nil`.
    public var numberValue: JSONNumber? {
        if case .number(let number) = self { return number }
        return nil
    }
}

extension JSONValue: CustomStringConvertible {
    /// The value as compact JSON text.
    public var description: String { jsonText }
}
