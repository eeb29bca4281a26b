/// Why a text is not valid JSON, and where: ``detail`` is the short text the relay puts
/// after "Could not decode JSON message. Error: ".
public struct JSONParseError: Error, Sendable, Hashable {
    /// What kind of mistake the text has.
    public enum Code: String, Sendable, Hashable {
        /// A byte that no JSON token may start or continue with here.
        case unexpectedCharacter
        /// The text ends inside a value.
        case unexpectedEndOfInput
        /// A complete value is followed by more than whitespace.
        case trailingData
        /// A number breaks the grammar (leading zeros).
        case invalidNumber
        /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
        case invalidEscape
        /// A `\u` escape of half a UTF-16 surrogate pair.
        case unpairedSurrogate
        /// A byte below 0x20 inside a string, which must be escaped.
        case controlCharacterInString
        /// A string whose bytes are not UTF-8.
        case invalidUTF8
        /// Arrays and objects nested deeper than the parser's limit.
        case nestingTooDeep
    }

    /// What kind of mistake the text has.
    public var code: Code
    /// The byte offset, from 0, where the mistake was found.
    public var offset: Int
    /// A short human description, e.g. "Unexpected character 'x' at offset 3".
    public var detail: String

    /// Creates an error from its parts.
    public init(code: Code, offset: Int, detail: String) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }
}

extension JSONParseError: CustomStringConvertible {
    /// The short human description.
    public var description: String { detail }
}

extension JSONParseError {
    static func unexpectedCharacter(_ byte: UInt8, at offset: Int) -> Self {
        Self(code: .unexpectedCharacter, offset: offset, detail: "Unexpected \(describe(byte)) at offset \(offset)")
    }

    static func unexpectedEnd(at offset: Int) -> Self {
        Self(code: .unexpectedEndOfInput, offset: offset, detail: "Unexpected end of input at offset \(offset)")
    }

    static func unterminatedString(startingAt offset: Int) -> Self {
        Self(code: .unexpectedEndOfInput, offset: offset, detail: "Unterminated string starting at offset \(offset)")
    }

    static func trailingData(_ byte: UInt8, at offset: Int) -> Self {
        Self(
            code: .trailingData,
            offset: offset,
            detail: "Unexpected \(describe(byte)) after the JSON value at offset \(offset)"
        )
    }

    static func leadingZero(at offset: Int) -> Self {
        Self(code: .invalidNumber, offset: offset, detail: "Leading zero in number at offset \(offset)")
    }

    static func invalidEscape(at offset: Int) -> Self {
        Self(code: .invalidEscape, offset: offset, detail: "Invalid escape sequence at offset \(offset)")
    }

    static func unpairedSurrogate(at offset: Int) -> Self {
        Self(
            code: .unpairedSurrogate,
            offset: offset,
            detail: "Unpaired UTF-16 surrogate in \\u escape at offset \(offset)"
        )
    }

    static func controlCharacter(_ byte: UInt8, at offset: Int) -> Self {
        Self(
            code: .controlCharacterInString,
            offset: offset,
            detail: "Unescaped control character \(hex(byte)) in string at offset \(offset)"
        )
    }

    static func invalidUTF8(inStringAt offset: Int) -> Self {
        Self(code: .invalidUTF8, offset: offset, detail: "Invalid UTF-8 in string starting at offset \(offset)")
    }

    static func nestingTooDeep(limit: Int, at offset: Int) -> Self {
        Self(
            code: .nestingTooDeep,
            offset: offset,
            detail: "Nesting deeper than \(limit) levels at offset \(offset)"
        )
    }

    /// `character 'x'` for printable ASCII, `byte 0xC3` for anything else, so the detail
    /// never carries a control character or half a UTF-8 sequence.
    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F {
            return "character '\(Character(Unicode.Scalar(byte)))'"
        }
        return "byte \(hex(byte))"
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0x0\(digits)" : "0x\(digits)"
    }
}
