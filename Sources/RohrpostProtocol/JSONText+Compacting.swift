/// JSON text without the whitespace between its tokens.
public enum JSONText {
    /// `text` with every space, tab, line feed and carriage return outside strings
    /// removed: the one encoding row events use, for jsonb's `{"a": 1, "b": [2, 3]}` too.
    ///
    /// Everything else (strings, escapes, numbers as written, key order) stays as it is,
    /// so valid JSON stays the same value. Text with no such whitespace is returned as is.
    public static func compacted(_ text: String) -> String {
        var utf8 = Array(text.utf8)
        guard compact(&utf8) else { return text }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Removes the whitespace outside strings from `bytes` in place; returns whether there was any.
    @discardableResult
    public static func compact(_ bytes: inout [UInt8]) -> Bool {
        var write = 0
        var inString = false
        var escaped = false
        for read in bytes.indices {
            let byte = bytes[read]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == ASCII.backslash {
                    escaped = true
                } else if byte == ASCII.quote {
                    inString = false
                }
            } else if ASCII.isWhitespace(byte) {
                continue
            } else if byte == ASCII.quote {
                inString = true
            }
            bytes[write] = byte
            write += 1
        }
        guard write < bytes.count else { return false }
        bytes.removeLast(bytes.count - write)
        return true
    }
}
