extension JSONParser {
    /// Returns the end offset of the number that starts at `start`, following RFC 8259:
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func scanNumber(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(JSONParseError) -> Int {
        var index = start
        if index < bytes.count && bytes[index] == ASCII.minus {
            index += 1
        }
        guard index < bytes.count else { throw .unexpectedEnd(at: index) }
        if bytes[index] == ASCII.zero {
            index += 1
            if index < bytes.count && ASCII.isDigit(bytes[index]) { throw .leadingZero(at: start) }
        } else {
            index = try scanDigits(in: bytes, from: index)
        }
        if index < bytes.count && bytes[index] == ASCII.dot {
            index = try scanDigits(in: bytes, from: index + 1)
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.count && (bytes[index] == ASCII.plus || bytes[index] == ASCII.minus) {
                index += 1
            }
            index = try scanDigits(in: bytes, from: index)
        }
        return index
    }

    /// Returns the end offset of one or more digits starting at `start`.
    private static func scanDigits(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(JSONParseError) -> Int {
        guard start < bytes.count else { throw .unexpectedEnd(at: start) }
        guard ASCII.isDigit(bytes[start]) else { throw .unexpectedCharacter(bytes[start], at: start) }
        var index = start + 1
        while index < bytes.count && ASCII.isDigit(bytes[index]) {
            index += 1
        }
        return index
    }
}
