extension JSONValue {
    /// The value as compact JSON text in UTF-8: no whitespace, numbers as written.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        encode(into: &bytes)
        return bytes
    }

    /// Appends the value as compact JSON text in UTF-8 to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        switch self {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let value):
            bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .number(let number):
            bytes.append(contentsOf: number.text.utf8)
        case .string(let string):
            bytes.appendJSONString(string)
        case .array(let elements):
            bytes.append(ASCII.openBracket)
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(ASCII.comma) }
                element.encode(into: &bytes)
            }
            bytes.append(ASCII.closeBracket)
        case .object(let members):
            bytes.append(ASCII.openBrace)
            for (index, member) in members.enumerated() {
                if index > 0 { bytes.append(ASCII.comma) }
                bytes.appendJSONString(member.key)
                bytes.append(ASCII.colon)
                member.value.encode(into: &bytes)
            }
            bytes.append(ASCII.closeBrace)
        }
    }

    /// The value as compact JSON text.
    public var jsonText: String {
        String(decoding: encoded(), as: UTF8.self)
    }
}

extension [UInt8] {
    /// Appends `string` as a quoted JSON string: `"` and `\` are escaped, control
    /// characters as `\b \f \n \r \t` or `\u00XX`; everything else is copied as UTF-8.
    mutating func appendJSONString(_ string: String) {
        append(ASCII.quote)
        let utf8 = string.utf8
        if !utf8.contains(where: Self.needsEscape) {
            append(contentsOf: utf8)
        } else {
            for byte in utf8 {
                guard Self.needsEscape(byte) else {
                    append(byte)
                    continue
                }
                append(ASCII.backslash)
                switch byte {
                case ASCII.quote, ASCII.backslash: append(byte)
                case 0x08: append(UInt8(ascii: "b"))
                case 0x0C: append(UInt8(ascii: "f"))
                case ASCII.lineFeed: append(UInt8(ascii: "n"))
                case ASCII.carriageReturn: append(UInt8(ascii: "r"))
                case ASCII.tab: append(UInt8(ascii: "t"))
                default:
                    append(contentsOf: "u00".utf8)
                    append(Self.hexDigit(byte >> 4))
                    append(Self.hexDigit(byte & 0x0F))
                }
            }
        }
        append(ASCII.quote)
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < ASCII.space || byte == ASCII.quote || byte == ASCII.backslash
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? ASCII.zero + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
