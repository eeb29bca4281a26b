/// Finding fields in the compact JSON the relay writes, without parsing all of it: the
/// load generator reads hundreds of thousands of messages a second on a core it shares.
enum ByteScanning {
    /// The index just past the first occurrence of `needle` in `bytes[from...]`, or nil.
    static func end(of needle: [UInt8], in bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        let first = needle[0]
        var index = from
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first {
                var matched = 1
                while matched < needle.count && bytes[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return index + matched }
            }
            index += 1
        }
        return nil
    }

    /// The integer (optionally negative) at `index`, and the index after it.
    static func integer(in bytes: UnsafeRawBufferPointer, at index: Int) -> (value: Int64, end: Int)? {
        var position = index
        var negative = false
        if position < bytes.count && bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        var value: Int64 = 0
        let start = position
        while position < bytes.count, position - start < 19, bytes[position] &- 48 < 10 {
            value = value * 10 + Int64(bytes[position] &- 48)
            position += 1
        }
        guard position > start else { return nil }
        return (negative ? -value : value, position)
    }

    /// The integer following `key` (e.g. `"seq":`) at or after `from`.
    static func integer(after key: [UInt8], in bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int64? {
        guard let start = end(of: key, in: bytes, from: from) else { return nil }
        return integer(in: bytes, at: start)?.value
    }
}
