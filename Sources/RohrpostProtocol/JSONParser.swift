/// A strict RFC 8259 parser over contiguous bytes.
///
/// It does not recurse: open arrays and objects live on an explicit stack whose size is
/// the nesting depth, so a hostile `[[[[...` is refused at ``maximumDepth`` with an error
/// instead of overflowing the thread's stack.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var offset = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// An array or object whose closing bracket has not been read yet.
    private struct OpenContainer {
        var isObject: Bool
        var elements: [JSONValue] = []
        var members: [JSONValue.Member] = []
        /// The key of the member whose value is being read.
        var key = ""

        init(isObject: Bool, key: String = "") {
            self.isObject = isObject
            self.key = key
            // Room for a typical request's few members saves the first regrowths.
            if isObject {
                members.reserveCapacity(4)
            } else {
                elements.reserveCapacity(4)
            }
        }
    }

    /// Parses the whole input as exactly one JSON value, surrounded by optional whitespace.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        var open: [OpenContainer] = []
        var value: JSONValue
        readValue: while true {
            skipWhitespace()
            guard offset < bytes.count else { throw .unexpectedEnd(at: offset) }
            switch bytes[offset] {
            case ASCII.openBracket:
                guard open.count < maximumDepth else {
                    throw .nestingTooDeep(limit: maximumDepth, at: offset)
                }
                offset += 1
                skipWhitespace()
                if offset < bytes.count && bytes[offset] == ASCII.closeBracket {
                    offset += 1
                    value = .array([])
                } else {
                    open.append(OpenContainer(isObject: false))
                    continue readValue
                }
            case ASCII.openBrace:
                guard open.count < maximumDepth else {
                    throw .nestingTooDeep(limit: maximumDepth, at: offset)
                }
                offset += 1
                skipWhitespace()
                if offset < bytes.count && bytes[offset] == ASCII.closeBrace {
                    offset += 1
                    value = .object([])
                } else {
                    open.append(OpenContainer(isObject: true, key: try parseKey()))
                    continue readValue
                }
            default:
                value = try parseScalar()
            }

            // A value is complete: add it to the innermost open container, and close
            // every container whose closing bracket follows.
            while !open.isEmpty {
                let last = open.count - 1
                // Mutating in place keeps each element buffer uniquely owned (no copies).
                if open[last].isObject {
                    open[last].members.append(JSONValue.Member(key: open[last].key, value: value))
                } else {
                    open[last].elements.append(value)
                }
                skipWhitespace()
                guard offset < bytes.count else { throw .unexpectedEnd(at: offset) }
                let byte = bytes[offset]
                if byte == ASCII.comma {
                    offset += 1
                    if open[last].isObject {
                        open[last].key = try parseKey()
                    }
                    continue readValue
                }
                let closing = open[last].isObject ? ASCII.closeBrace : ASCII.closeBracket
                guard byte == closing else { throw .unexpectedCharacter(byte, at: offset) }
                offset += 1
                let closed = open.removeLast()
                value = closed.isObject ? .object(closed.members) : .array(closed.elements)
            }

            skipWhitespace()
            guard offset == bytes.count else { throw .trailingData(bytes[offset], at: offset) }
            return value
        }
    }

    /// Reads `"key" :`, leaving the offset at the member's value.
    private mutating func parseKey() throws(JSONParseError) -> String {
        skipWhitespace()
        guard offset < bytes.count else { throw .unexpectedEnd(at: offset) }
        guard bytes[offset] == ASCII.quote else { throw .unexpectedCharacter(bytes[offset], at: offset) }
        let key = try parseString()
        skipWhitespace()
        guard offset < bytes.count else { throw .unexpectedEnd(at: offset) }
        guard bytes[offset] == ASCII.colon else { throw .unexpectedCharacter(bytes[offset], at: offset) }
        offset += 1
        return key
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while offset < bytes.count && ASCII.isWhitespace(bytes[offset]) {
            offset += 1
        }
    }
}
