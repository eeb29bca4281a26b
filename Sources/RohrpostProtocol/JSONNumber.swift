/// A JSON number kept as the exact text it was written with, e.g. `12345678901234567890`
/// or `1.50`.
///
/// Two numbers are equal when their texts are: `1.0` and `1` differ. That is what an
/// echo needs; arithmetic is not this type's job.
public struct JSONNumber: Sendable, Hashable {
    /// The number's JSON text, valid by RFC 8259's grammar.
    public let text: String

    /// Creates a number from JSON number text, or `nil` if `text` is not exactly one
    /// number by RFC 8259's grammar (no leading zeros, no `+`, no bare `.`).
    public init?(_ text: String) {
        var text = text
        let isValid = text.withUTF8 { bytes in
            guard let end = try? JSONParser.scanNumber(in: bytes, from: 0) else { return false }
            return end == bytes.count
        }
        guard isValid else { return nil }
        self.text = text
    }

    /// Creates a number from an integer.
    public init(_ value: some BinaryInteger) {
        self.text = String(value)
    }

    /// Creates a number from text the caller has already checked.
    init(validatedText: String) {
        self.text = validatedText
    }

    /// Whether the number is written as an integer: no fraction and no exponent.
    ///
    /// `5` is an integer; `5.0` and `5e0` are not, as in Python's `json` module.
    public var isInteger: Bool {
        !text.utf8.contains { $0 == ASCII.dot || $0 == 0x65 || $0 == 0x45 }  // . e E
    }
}

extension JSONNumber: ExpressibleByIntegerLiteral {
    /// Creates a number from an integer literal.
    public init(integerLiteral value: Int) {
        self.init(value)
    }
}

extension JSONNumber: CustomStringConvertible {
    /// The number's JSON text.
    public var description: String { text }
}
