/// Reads the big-endian fields of one replication or pgoutput message, front to back.
///
/// Every read names the field it wants, so input that ends early or does not fit throws a
/// `PostgresError` saying which message and field were malformed, instead of trapping.
struct ReplicationWireReader {
    private let bytes: [UInt8]
    private(set) var offset: Int
    /// What is being read, for errors: "pgoutput Relation message".
    let subject: String

    init(_ bytes: [UInt8], subject: String, offset: Int = 0) {
        self.bytes = bytes
        self.subject = subject
        self.offset = offset
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { offset == bytes.count }

    /// An error naming this message, the field and where it went wrong.
    func malformed(_ problem: String) -> PostgresError {
        PostgresError(
            .unexpectedResult,
            "malformed \(subject): \(problem) (at byte \(offset) of \(bytes.count))")
    }

    mutating func uint8(_ field: String) throws -> UInt8 {
        UInt8(try unsigned(field, width: 1))
    }

    mutating func uint16(_ field: String) throws -> UInt16 {
        UInt16(try unsigned(field, width: 2))
    }

    mutating func uint32(_ field: String) throws -> UInt32 {
        UInt32(try unsigned(field, width: 4))
    }

    mutating func uint64(_ field: String) throws -> UInt64 {
        try unsigned(field, width: 8)
    }

    mutating func int32(_ field: String) throws -> Int32 {
        Int32(bitPattern: try uint32(field))
    }

    mutating func int64(_ field: String) throws -> Int64 {
        Int64(bitPattern: try uint64(field))
    }

    mutating func lsn(_ field: String) throws -> LSN {
        LSN(try uint64(field))
    }

    mutating func timestamp(_ field: String) throws -> ReplicationTimestamp {
        ReplicationTimestamp(microsecondsSince2000: try int64(field))
    }

    /// A NUL-terminated string (UTF-8, the connection's client encoding).
    mutating func string(_ field: String) throws -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else {
            throw malformed("\(field) has no terminating NUL")
        }
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        offset = end + 1
        return text
    }

    /// `count` raw bytes.
    mutating func bytes(_ count: Int, _ field: String) throws -> [UInt8] {
        guard count >= 0 else { throw malformed("\(field) has a negative length \(count)") }
        guard bytes.count - offset >= count else {
            throw malformed("\(field) needs \(count) bytes, \(bytes.count - offset) remain")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Everything not read yet.
    mutating func remainder() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }

    /// Throws unless every byte was read: trailing bytes mean the message was misread.
    func expectEnd() throws {
        guard isAtEnd else { throw malformed("\(bytes.count - offset) unexpected trailing bytes") }
    }

    private mutating func unsigned(_ field: String, width: Int) throws -> UInt64 {
        guard bytes.count - offset >= width else {
            throw malformed("\(field) is cut off (needs \(width) bytes, \(bytes.count - offset) remain)")
        }
        var value: UInt64 = 0
        for byte in bytes[offset..<offset + width] { value = value << 8 | UInt64(byte) }
        offset += width
        return value
    }
}
