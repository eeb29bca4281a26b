import RohrpostPostgres
import Testing

/// `pgoutput` protocol version 1, message by message, from bytes laid out as the
/// "Logical Replication Message Formats" chapter describes them.
@Suite struct PgOutputMessageTests {
    static let commitTime = ReplicationTimestamp(microsecondsSince2000: 818_000_000_123_456)

    static let begin = WireBytes().tag("B").int64(0x0_0170_0A48).int64(signed: commitTime.microsecondsSince2000).int32(741).bytes
    static let commit = WireBytes().tag("C").int8(0).int64(0x0_0170_0A48).int64(0x0_0170_0A78)
        .int64(signed: commitTime.microsecondsSince2000).bytes
    static let relation = WireBytes().tag("R").int32(16_385).string("public").string("items").int8(UInt8(ascii: "d"))
        .int16(2).int8(1).string("id").int32(23).int32(signed: -1).int8(0).string("title").int32(1043).int32(signed: 84).bytes
    static let insert = WireBytes().tag("I").int32(16_385).tag("N").int16(3).text("7").tag("n").tag("u").bytes
    static let update = WireBytes().tag("U").int32(16_385).tag("K").int16(1).text("7").tag("N").int16(1).text("8").bytes
    static let delete = WireBytes().tag("D").int32(16_385).tag("O").int16(1).text("7").bytes
    static let truncate = WireBytes().tag("T").int32(2).int8(1).int32(16_385).int32(16_390).bytes
    static let origin = WireBytes().tag("O").int64(0x5_0000_0001).string("node_a").bytes
    static let type = WireBytes().tag("Y").int32(16_400).string("public").string("mood").bytes
    static let message = WireBytes().tag("M").int8(1).int64(0x0_0170_0B00).string("rohrpost").int32(2).appending([104, 105]).bytes

    @Test func beginCarriesTheFinalLSNCommitTimeAndXid() throws {
        #expect(try PgOutputMessage(decoding: Self.begin) == .begin(.init(finalLSN: LSN("0/1700A48")!, commitTime: Self.commitTime, xid: 741)))
    }

    @Test func commitCarriesItsFlagsAndPositions() throws {
        #expect(
            try PgOutputMessage(decoding: Self.commit)
                == .commit(.init(flags: 0, commitLSN: LSN("0/1700A48")!, endLSN: LSN("0/1700A78")!, commitTime: Self.commitTime)))
    }

    @Test func relationDescribesTheTableAndItsColumns() throws {
        let expected = PgOutputRelation(
            id: 16_385, namespace: "public", name: "items", replicaIdentity: UInt8(ascii: "d"),
            columns: [
                .init(flags: 1, name: "id", typeOID: 23, typmod: -1),
                .init(flags: 0, name: "title", typeOID: 1043, typmod: 84),
            ])
        #expect(try PgOutputMessage(decoding: Self.relation) == .relation(expected))
        #expect(expected.qualifiedName == "public.items")
        #expect(expected.columns.map(\.isKey) == [true, false])
    }

    @Test func insertCarriesTextNullAndUnchangedValues() throws {
        #expect(try PgOutputMessage(decoding: Self.insert) == .insert(relationID: 16_385, new: .init([.text("7"), .null, .unchanged])))
    }

    @Test func updateDeleteAndTruncateNameTheirRelations() throws {
        #expect(
            try PgOutputMessage(decoding: Self.update)
                == .update(relationID: 16_385, old: .key(.init([.text("7")])), new: .init([.text("8")])))
        let updateWithoutOld = WireBytes().tag("U").int32(16_385).tag("N").int16(1).text("8").bytes
        #expect(try PgOutputMessage(decoding: updateWithoutOld) == .update(relationID: 16_385, old: nil, new: .init([.text("8")])))
        #expect(try PgOutputMessage(decoding: Self.delete) == .delete(relationID: 16_385, old: .row(.init([.text("7")]))))
        #expect(try PgOutputMessage(decoding: Self.truncate) == .truncate(relationIDs: [16_385, 16_390], options: 1))
    }

    @Test func originTypeAndMessageAreDecoded() throws {
        #expect(try PgOutputMessage(decoding: Self.origin) == .origin(commitLSN: LSN("5/1")!, name: "node_a"))
        #expect(try PgOutputMessage(decoding: Self.type) == .type(oid: 16_400, namespace: "public", name: "mood"))
        #expect(
            try PgOutputMessage(decoding: Self.message)
                == .message(transactional: true, lsn: LSN("0/1700B00")!, prefix: "rohrpost", content: [104, 105]))
    }

    @Test func messagesOfLaterProtocolVersionsComeAsOther() throws {
        #expect(try PgOutputMessage(decoding: [UInt8(ascii: "S"), 0, 0, 0, 9, 1]) == .other(tag: UInt8(ascii: "S")))
    }

    @Test func everyTruncatedMessageIsAnErrorNamingItsKind() {
        let fixtures: [(String, [UInt8])] = [
            ("Begin", Self.begin), ("Commit", Self.commit), ("Relation", Self.relation), ("Insert", Self.insert),
            ("Update", Self.update), ("Delete", Self.delete), ("Truncate", Self.truncate), ("Origin", Self.origin),
            ("Type", Self.type), ("Message", Self.message),
        ]
        for (name, bytes) in fixtures {
            for length in 1..<bytes.count {
                #expect {
                    try PgOutputMessage(decoding: Array(bytes.prefix(length)))
                } throws: { error in
                    (error as? PostgresError)?.message.hasPrefix("malformed pgoutput \(name) message: ") == true
                }
            }
        }
        #expect(throws: PostgresError.self) { try PgOutputMessage(decoding: []) }
    }

    @Test func errorsNameTheMalformedField() {
        let badKind = WireBytes().tag("I").int32(16_385).tag("N").int16(2).text("7").tag("x").bytes
        #expect(errorMessage(badKind)?.contains("column 2 has unknown kind 'x'") == true)
        let noMarker = WireBytes().tag("I").int32(16_385).tag("K").int16(0).bytes
        #expect(errorMessage(noMarker)?.contains("expected new-tuple marker 'N', found 'K'") == true)
        let cutName = Array(Self.relation.prefix(23))
        #expect(errorMessage(cutName)?.contains("name of column 1 has no terminating NUL") == true)
        #expect(errorMessage(Self.begin + [0])?.contains("1 unexpected trailing bytes") == true)
    }

    @Test func randomBytesAreDecodedOrRejectedNeverACrash() {
        var generator = SystemRandomNumberGenerator()
        for tag in "BCORYIUDTM".utf8 {
            for _ in 0..<500 {
                let length = Int.random(in: 0..<40, using: &generator)
                let bytes = [tag] + (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                _ = try? PgOutputMessage(decoding: bytes)
            }
        }
    }

    private func errorMessage(_ bytes: [UInt8]) -> String? {
        do {
            _ = try PgOutputMessage(decoding: bytes)
            return nil
        } catch {
            return (error as? PostgresError)?.message
        }
    }
}
