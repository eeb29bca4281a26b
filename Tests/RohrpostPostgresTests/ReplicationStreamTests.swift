import Foundation
import RelayTestSupport
import RohrpostPostgres
import Testing

extension ReplicationConnectionTests {
    /// Streaming a slot of publication `p` through the decoder and the assembler.
    @Suite struct Streaming {
        /// Reads the stream until `count` transactions committed; answers keepalives that ask.
        private func committed(
            _ count: Int, from replication: ReplicationConnection, flushed start: LSN, within limit: Duration = .seconds(20)
        ) async throws -> [CommittedTransaction] {
            var assembler = ReplicationTransactionAssembler()
            var transactions: [CommittedTransaction] = []
            let deadline = ContinuousClock.now + limit
            while transactions.count < count {
                guard ContinuousClock.now < deadline else {
                    throw PostgresError(.unexpectedResult, "only \(transactions.count) of \(count) transactions arrived in \(limit)")
                }
                for message in try await replication.read(upTo: 1_000, timeout: .milliseconds(500)) {
                    switch message {
                    case .xLogData(let data):
                        if let transaction = try assembler.feed(PgOutputMessage(decoding: data.payload)) {
                            transactions.append(transaction)
                        }
                    case .primaryKeepalive(let keepalive) where keepalive.replyRequested:
                        try await replication.sendStatus(flushed: transactions.last?.endLSN ?? start)
                    case .primaryKeepalive:
                        break
                    }
                }
            }
            return transactions
        }

        /// A writer of its own; returns the transaction id `pg_current_xact_id()` gives it.
        private func begin(_ database: TestDatabase) throws -> (PostgresConnection, UInt32) {
            let writer = try PostgresConnection(connectionString: database.connectionString, applicationName: "replication-writer")
            try writer.execute("BEGIN")
            let xid = try writer.query("SELECT pg_current_xact_id()::text").first?.first?.flatMap { UInt64($0) }
            return (writer, UInt32(truncatingIfNeeded: try #require(xid)))
        }

        @Test func onlyCommittedRowsArriveInCommitOrderWithTheirXids() async throws {
            let database = try await ReplicationConnectionTests.publishingDatabase()
            let replication = try await ReplicationConnectionTests.connect(database)
            let start = try await replication.createSlot("ordered", temporary: true)

            let (first, firstXid) = try begin(database)
            try first.execute("INSERT INTO t VALUES (1, 'one'); INSERT INTO t VALUES (2, NULL); INSERT INTO t VALUES (3, 'three')")
            let (second, secondXid) = try begin(database)
            try second.execute("INSERT INTO t VALUES (10, 'kept'); SAVEPOINT s; INSERT INTO t VALUES (11, 'undone')")
            try second.execute("ROLLBACK TO SAVEPOINT s; INSERT INTO t VALUES (12, 'after'); COMMIT")
            let (rolledBack, _) = try begin(database)
            try rolledBack.execute("INSERT INTO t VALUES (20, 'never'); ROLLBACK")
            try first.execute("COMMIT")  // began first, commits last

            try await replication.startReplication(slot: "ordered", from: start, publication: "p")
            let transactions = try await committed(2, from: replication, flushed: start)

            #expect(transactions.map(\.xid) == [secondXid, firstXid])
            #expect(transactions.map(\.inserts) == [
                [row(10, "kept"), row(12, "after")],
                [row(1, "one"), row(2, nil), row(3, "three")],
            ])
            #expect(start < transactions[0].commitLSN)
            #expect(transactions[0].commitLSN < transactions[0].endLSN)
            #expect(transactions[0].endLSN <= transactions[1].commitLSN)
            #expect(transactions[0].commitTime <= transactions[1].commitTime)
            #expect(abs(transactions[1].commitTime.date.timeIntervalSinceNow) < 60)
        }

        @Test func aStatusUpdateMovesTheSlotsConfirmedFlushPosition() async throws {
            let database = try await ReplicationConnectionTests.publishingDatabase()
            let replication = try await ReplicationConnectionTests.connect(database)
            let start = try await replication.createSlot("confirming", temporary: true)
            try database.execute("INSERT INTO t VALUES (1, 'one')")
            try await replication.startReplication(slot: "confirming", from: start, publication: "p")
            let end = try #require(try await committed(1, from: replication, flushed: start).first?.endLSN)
            #expect(try confirmedFlush(of: "confirming", in: database) == start)

            try await replication.sendStatus(flushed: end)
            let deadline = ContinuousClock.now + .seconds(5)
            while try confirmedFlush(of: "confirming", in: database) != end, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try confirmedFlush(of: "confirming", in: database) == end)
        }

        @Test func aFiftyThousandRowTransactionArrivesComplete() async throws {
            let database = try await ReplicationConnectionTests.publishingDatabase()
            let replication = try await ReplicationConnectionTests.connect(database)
            let start = try await replication.createSlot("large", temporary: true)
            try database.execute("INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 50000) g")
            try await replication.startReplication(slot: "large", from: start, publication: "p")

            let transaction = try #require(try await committed(1, from: replication, flushed: start).first)
            #expect(transaction.inserts.count == 50_000)
            #expect(transaction.inserts.first == row(1, "row 1"))
            #expect(transaction.inserts.last == row(50_000, "row 50000"))
            let ids: [String] = transaction.inserts.compactMap { insert -> String? in insert.columns["id"] ?? nil }
            let expected: [String] = (1...50_000).map { String($0) }
            #expect(Set(ids) == Set(expected))
        }

        @Test func aReadWithAWindowTakesWhatArrivesWithinItInOneCall() async throws {
            let database = try await ReplicationConnectionTests.publishingDatabase()
            let replication = try await ReplicationConnectionTests.connect(database)
            let start = try await replication.createSlot("windowed", temporary: true)
            try await replication.startReplication(slot: "windowed", from: start, publication: "p")
            try database.execute("INSERT INTO t VALUES (1, 'first')")
            let second = Task {
                try await Task.sleep(for: .milliseconds(300))
                try database.execute("INSERT INTO t VALUES (2, 'second')")
            }
            // The second transaction commits 300 ms after the first arrived: inside the window.
            let messages = try await replication.read(upTo: 1_000, timeout: .seconds(10), window: .seconds(3))
            try await second.value
            var assembler = ReplicationTransactionAssembler()
            var committed: [CommittedTransaction] = []
            for case .xLogData(let data) in messages {
                if let transaction = try assembler.feed(PgOutputMessage(decoding: data.payload)) { committed.append(transaction) }
            }
            #expect(committed.count == 2, "one call brought \(committed.count) transactions")
        }

        @Test func aStreamTheServerEndsThrowsItsReasonOnEveryLaterRead() async throws {
            let database = try await ReplicationConnectionTests.publishingDatabase()
            let replication = try await ReplicationConnectionTests.connect(database)
            let start = try await replication.createSlot("ended", temporary: true)
            try await replication.startReplication(slot: "ended", from: start, publication: "p")
            #expect(try database.query("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'ended'") == [["t"]])

            for _ in 0..<2 {
                await #expect {
                    while try await replication.read(upTo: 100, timeout: .seconds(5)).isEmpty == false {}
                } throws: { error in
                    let error = error as? PostgresError
                    return error?.code == .connectionLost
                        && error?.message.contains("terminating connection due to administrator command") == true
                }
            }
        }

        private func row(_ id: Int, _ note: String?) -> CommittedInsert {
            CommittedInsert(relation: "public.t", columns: ["id": String(id), "note": note])
        }

        private func confirmedFlush(of slot: String, in database: TestDatabase) throws -> LSN? {
            let rows = try database.query("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1", parameters: [slot])
            return rows.first?.first?.flatMap { LSN($0) }
        }
    }
}
