import Testing

@testable import RohrpostPostgres

/// Builds protocol messages field by field, big-endian, as the server would send them.
struct WireBytes {
    private(set) var bytes: [UInt8] = []

    func tag(_ character: Character) -> WireBytes { int8(character.asciiValue!) }
    func int8(_ value: UInt8) -> WireBytes { appending([value]) }
    func int16(_ value: UInt16) -> WireBytes { big(UInt64(value), width: 2) }
    func int32(_ value: UInt32) -> WireBytes { big(UInt64(value), width: 4) }
    func int32(signed value: Int32) -> WireBytes { int32(UInt32(bitPattern: value)) }
    func int64(_ value: UInt64) -> WireBytes { big(value, width: 8) }
    func int64(signed value: Int64) -> WireBytes { int64(UInt64(bitPattern: value)) }
    func string(_ text: String) -> WireBytes { appending(Array(text.utf8) + [0]) }
    func text(_ value: String) -> WireBytes { tag("t").int32(UInt32(value.utf8.count)).appending(Array(value.utf8)) }
    func appending(_ more: [UInt8]) -> WireBytes {
        var copy = self
        copy.bytes += more
        return copy
    }

    private func big(_ value: UInt64, width: Int) -> WireBytes {
        appending((0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
    }
}

/// The field reader under both decoders: big-endian numbers, NUL-terminated strings, and
/// errors that name the field instead of trapping.
@Suite struct ReplicationWireReaderTests {
    @Test func readsBigEndianFieldsInOrder() throws {
        var reader = ReplicationWireReader(
            WireBytes().int8(7).int16(0x0102).int32(0x0304_0506).int64(0x0708_090A_0B0C_0D0E).string("név").bytes,
            subject: "test message")
        #expect(try reader.uint8("a") == 7)
        #expect(try reader.uint16("b") == 0x0102)
        #expect(try reader.uint32("c") == 0x0304_0506)
        #expect(try reader.uint64("d") == 0x0708_090A_0B0C_0D0E)
        #expect(try reader.string("e") == "név")
        #expect(reader.isAtEnd)
    }

    @Test func aCutOffNumberNamesTheMessageAndField() {
        var reader = ReplicationWireReader([0, 0, 1], subject: "test message")
        #expect {
            try reader.uint32("relation id")
        } throws: { error in
            (error as? PostgresError)?.message
                == "malformed test message: relation id is cut off (needs 4 bytes, 3 remain) (at byte 0 of 3)"
        }
    }

    @Test func aStringWithoutItsNulIsMalformed() {
        var reader = ReplicationWireReader(Array("public".utf8), subject: "test message")
        #expect(throws: PostgresError.self) { try reader.string("namespace") }
    }

    @Test func aNegativeLengthIsMalformed() {
        var reader = ReplicationWireReader([1, 2, 3], subject: "test message")
        #expect(throws: PostgresError.self) { try reader.bytes(-1, "value") }
    }
}
