import Foundation
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// Logical capture: writers only append to the journal; the relay holding the replication
/// slot numbers their transactions in commit order. Clients see what they see in trigger mode.
/// (OrderingTests, ResumeTests and FaultTests run in both modes; these are what only
/// logical capture has to show.)
@Suite struct LogicalCaptureTests {
    @Test func eventsArriveNumberedByTheRelayAndWritersQueueNoAllocation() async throws {
        try await LiveRelay.with(capture: .logical, setUp: todoTable) { live in
            #expect(try live.database.query("SELECT mode FROM rohrpost.capture").first?.first == "logical")
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'a'), (1, 'b')")
            try live.database.execute("UPDATE todo SET done = true WHERE title = 'a'")
            let events = try await client.receiveEvents(3)
            #expect(events.map(\.kind) == ["create", "create", "update"])
            #expect(events.map(\.id) == [events[0].id, events[0].id + 1, events[0].id + 2])
            #expect(events[2].updatedFields == ["done"])
            // No marker row: no writer queued an allocation, so none took the lock or sent a NOTIFY.
            #expect(try live.database.query("SELECT count(*) FROM rohrpost.pending_commit").first?.first == "0")
            let numbered = try live.database.query("SELECT count(*) FROM rohrpost.commits WHERE commit_lsn IS NOT NULL")
            #expect(numbered.first?.first == "2", "the relay numbered both transactions from the stream")
        }
    }

    @Test func rolledBackWorkAndSavepointsSendNothingOfWhatWasUndone() async throws {
        try await LiveRelay.with(capture: .logical, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("BEGIN; INSERT INTO todo (collection_id, title) VALUES (1, 'never'); ROLLBACK;")
            try live.database.execute("""
                BEGIN;
                INSERT INTO todo (collection_id, title) VALUES (1, 'kept 1');
                SAVEPOINT s;
                INSERT INTO todo (collection_id, title) VALUES (1, 'undone');
                ROLLBACK TO SAVEPOINT s;
                INSERT INTO todo (collection_id, title) VALUES (1, 'kept 2');
                SELECT rohrpost.send('collection-1', 'note', '{"kept": 3}');
                COMMIT;
                """)
            let events = try await client.receiveEvents(3)
            #expect(events.map { $0.object["title"] as? String ?? "note" } == ["kept 1", "kept 2", "note"])
            #expect(events.map(\.id) == [events[0].id, events[0].id + 1, events[0].id + 2])
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test func eachTransactionIsRecordedWithTheCommitTimeTheStreamSent() async throws {
        try await LiveRelay.with(capture: .logical, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 4}"#)
            let before = try live.database.query("SELECT clock_timestamp()::text").first?.first ?? nil
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (4, 'timed')")
            let after = try live.database.query("SELECT clock_timestamp()::text").first?.first ?? nil
            _ = try await client.receiveEvents(1)
            // The commit record's own time (the stream's, microseconds since 2000): between
            // the clock read just before the write and just after its commit returned.
            let recorded = try live.database.query(
                """
                SELECT committed_at BETWEEN $1::timestamptz AND $2::timestamptz, committed_at::text
                FROM rohrpost.commits ORDER BY position DESC LIMIT 1
                """, parameters: [before, after])
            #expect(recorded.first?.first == "t", "committed_at \(recorded.first?[1] ?? "none") is not within \(before ?? "") .. \(after ?? "")")
        }
    }

    @Test(.timeLimit(.minutes(1))) func aFiftyThousandRowTransactionArrivesWhole() async throws {
        try await LiveRelay.with(capture: .logical, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 9}"#)
            try live.database.execute(
                "INSERT INTO todo (collection_id, title) SELECT 9, 'bulk ' || n FROM generate_series(1, 50000) n")
            let events = try await client.receiveEvents(50_000, timeout: .seconds(30))
            #expect(events.first?.object["title"] as? String == "bulk 1")
            #expect(events.last?.object["title"] as? String == "bulk 50000")
            #expect(events.idsAreConsecutive)
        }
    }
}
