extension JSONParser {
    /// Reads a string, number, `true`, `false` or `null` starting at the offset.
    mutating func parseScalar() throws(JSONParseError) -> JSONValue {
        let byte = bytes[offset]
        switch byte {
        case ASCII.quote:
            return .string(try parseString())
        case ASCII.minus, ASCII.zero...ASCII.nine:
            let start = offset
            offset = try Self.scanNumber(in: bytes, from: start)
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
            return .number(JSONNumber(validatedText: text))
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default:
            throw .unexpectedCharacter(byte, at: offset)
        }
    }

    /// Reads a string from its opening quote through its closing quote.
    ///
    /// A string without escapes becomes a `String` straight from the input bytes; only
    /// strings with escapes are copied into a buffer first. All-ASCII text, the common
    /// case, skips UTF-8 validation.
    mutating func parseString() throws(JSONParseError) -> String {
        let start = offset
        offset += 1
        var segmentStart = offset
        var unescaped: [UInt8] = []
        var hasEscapes = false
        var nonASCII: UInt8 = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == ASCII.quote {
                let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<offset])
                let string: String?
                if hasEscapes {
                    unescaped.append(contentsOf: segment)
                    string = Self.string(fromUTF8: unescaped, isKnownValid: nonASCII < 0x80)
                } else {
                    string = Self.string(fromUTF8: segment, isKnownValid: nonASCII < 0x80)
                }
                guard let string else { throw .invalidUTF8(inStringAt: start) }
                offset += 1
                return string
            } else if byte == ASCII.backslash {
                if !hasEscapes {
                    hasEscapes = true
                    unescaped.reserveCapacity(offset - segmentStart + 16)
                }
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<offset]))
                try parseEscape(into: &unescaped)
                segmentStart = offset
            } else if byte < ASCII.space {
                throw .controlCharacter(byte, at: offset)
            } else {
                nonASCII |= byte
                offset += 1
            }
        }
        throw .unterminatedString(startingAt: start)
    }

    /// Makes a `String` of UTF-8 bytes, or `nil` if they are not valid UTF-8.
    ///
    /// When every raw byte was ASCII the bytes are valid already (escapes always encode
    /// whole scalars), and the faster non-validating initializer has nothing to repair.
    private static func string(fromUTF8 bytes: some Collection<UInt8>, isKnownValid: Bool) -> String? {
        isKnownValid ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
    }

    /// Reads one backslash escape and appends the UTF-8 bytes it stands for.
    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = offset
        offset += 1
        guard offset < bytes.count else { throw .unterminatedString(startingAt: escapeStart) }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case ASCII.quote, ASCII.backslash, ASCII.slash: buffer.append(byte)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(ASCII.lineFeed)
        case UInt8(ascii: "r"): buffer.append(ASCII.carriageReturn)
        case UInt8(ascii: "t"): buffer.append(ASCII.tab)
        case UInt8(ascii: "u"):
            let unit = try parseHexUnit(escapeStart: escapeStart)
            let scalar: Unicode.Scalar?
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate counts only with a `\u` low surrogate right after it.
                guard offset + 1 < bytes.count,
                    bytes[offset] == ASCII.backslash,
                    bytes[offset + 1] == UInt8(ascii: "u")
                else { throw .unpairedSurrogate(at: escapeStart) }
                let lowStart = offset
                offset += 2
                let low = try parseHexUnit(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else { throw .unpairedSurrogate(at: escapeStart) }
                scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
            case 0xDC00...0xDFFF:
                throw .unpairedSurrogate(at: escapeStart)
            default:
                scalar = Unicode.Scalar(unit)
            }
            guard let scalar else { throw .invalidEscape(at: escapeStart) }
            UTF8.encode(scalar) { buffer.append($0) }
        default:
            throw .invalidEscape(at: escapeStart)
        }
    }

    /// Reads the four hex digits after `\u`.
    private mutating func parseHexUnit(escapeStart: Int) throws(JSONParseError) -> UInt16 {
        guard offset + 4 <= bytes.count else { throw .invalidEscape(at: escapeStart) }
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case ASCII.zero...ASCII.nine: digit = byte - ASCII.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .invalidEscape(at: escapeStart)
            }
            unit = unit << 4 | UInt16(digit)
            offset += 1
        }
        return unit
    }

    /// Reads the rest of `true`, `false` or `null`.
    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in expected {
            guard offset < bytes.count else { throw .unexpectedEnd(at: offset) }
            guard bytes[offset] == byte else { throw .unexpectedCharacter(bytes[offset], at: offset) }
            offset += 1
        }
    }
}
