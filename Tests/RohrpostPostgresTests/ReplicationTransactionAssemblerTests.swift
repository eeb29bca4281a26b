import RohrpostPostgres
import Testing

/// The stream of one publication, message by message, into committed transactions.
@Suite struct ReplicationTransactionAssemblerTests {
    private let time = ReplicationTimestamp(microsecondsSince2000: 818_000_000_000_000)
    private let items = PgOutputRelation(
        id: 16_385, namespace: "public", name: "items", replicaIdentity: UInt8(ascii: "d"),
        columns: [.init(flags: 1, name: "id", typeOID: 23, typmod: -1), .init(flags: 0, name: "title", typeOID: 25, typmod: -1)])

    private func begin(_ xid: UInt32, at lsn: UInt64) -> PgOutputMessage {
        .begin(.init(finalLSN: LSN(lsn), commitTime: time, xid: xid))
    }

    private func commit(at lsn: UInt64) -> PgOutputMessage {
        .commit(.init(commitLSN: LSN(lsn), endLSN: LSN(lsn + 0x30), commitTime: time))
    }

    private func insert(_ id: String, _ title: String?) -> PgOutputMessage {
        .insert(relationID: 16_385, new: .init([.text(id), title.map { .text($0) } ?? .null]))
    }

    @Test func aCommitHandsOverTheInsertsSinceItsBegin() throws {
        var assembler = ReplicationTransactionAssembler()
        #expect(try assembler.feed(begin(741, at: 0x100)) == nil)
        #expect(try assembler.feed(.relation(items)) == nil)
        #expect(try assembler.feed(insert("1", "one")) == nil)
        #expect(try assembler.feed(insert("2", nil)) == nil)
        #expect(
            try assembler.feed(commit(at: 0x100))
                == CommittedTransaction(
                    xid: 741, commitLSN: LSN(0x100), endLSN: LSN(0x130), commitTime: time,
                    inserts: [
                        CommittedInsert(relation: "public.items", columns: ["id": "1", "title": "one"]),
                        CommittedInsert(relation: "public.items", columns: ["id": "2", "title": nil]),
                    ]))
        #expect(assembler.state == .idle)
    }

    @Test func relationsAreRememberedAcrossTransactions() throws {
        var assembler = ReplicationTransactionAssembler()
        _ = try assembler.feed(begin(741, at: 0x100))
        _ = try assembler.feed(.relation(items))
        _ = try assembler.feed(commit(at: 0x100))
        _ = try assembler.feed(begin(742, at: 0x200))
        _ = try assembler.feed(insert("3", "three"))
        let second = try #require(try assembler.feed(commit(at: 0x200)))
        #expect(second.xid == 742)
        #expect(second.inserts == [CommittedInsert(relation: "public.items", columns: ["id": "3", "title": "three"])])
    }

    @Test func aTransactionWithoutPublishedInsertsCommitsEmpty() throws {
        var assembler = ReplicationTransactionAssembler()
        _ = try assembler.feed(begin(9, at: 0x100))
        _ = try assembler.feed(.origin(commitLSN: LSN(5), name: "elsewhere"))
        #expect(try assembler.feed(commit(at: 0x100))?.inserts == [])
    }

    @Test func anInsertOutsideATransactionBreaksTheProtocol() throws {
        var assembler = ReplicationTransactionAssembler()
        _ = try assembler.feed(.relation(items))
        #expect(throws: PostgresError.self) { try assembler.feed(insert("1", "one")) }
        #expect(throws: PostgresError.self) { try assembler.feed(commit(at: 0x100)) }
    }

    @Test func aBeginInsideATransactionBreaksTheProtocol() throws {
        var assembler = ReplicationTransactionAssembler()
        _ = try assembler.feed(begin(1, at: 0x100))
        #expect(throws: PostgresError.self) { try assembler.feed(begin(2, at: 0x200)) }
    }

    @Test func anInsertIntoAnUndescribedRelationSaysWhichOne() throws {
        var assembler = ReplicationTransactionAssembler()
        _ = try assembler.feed(begin(1, at: 0x100))
        #expect {
            try assembler.feed(insert("1", "one"))
        } throws: { error in
            (error as? PostgresError)?.message.contains("relation 16385, which no Relation message described") == true
        }
    }

    @Test func anInsertWhoseValuesDoNotFitItsRelationIsRejected() throws {
        var assembler = ReplicationTransactionAssembler()
        _ = try assembler.feed(.relation(items))
        _ = try assembler.feed(begin(1, at: 0x100))
        #expect {
            try assembler.feed(.insert(relationID: 16_385, new: .init([.text("1")])))
        } throws: { error in
            (error as? PostgresError)?.message.contains("public.items has 1 values for 2 columns") == true
        }
    }

    @Test func aLargeTransactionIsCollectedInLinearTime() throws {
        var assembler = ReplicationTransactionAssembler()
        _ = try assembler.feed(.relation(items))
        _ = try assembler.feed(begin(1, at: 0x100))
        for id in 1...100_000 { _ = try assembler.feed(insert(String(id), "row")) }
        let transaction = try #require(try assembler.feed(commit(at: 0x100)))
        #expect(transaction.inserts.count == 100_000)
        #expect(transaction.inserts.last?.columns["id"] == "100000")
    }
}
