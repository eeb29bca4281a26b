import Foundation
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// Logical capture: writers only append to the journal; the relay holding the replication
/// slot numbers their transactions in commit order. Clients see what they see in trigger mode.
@Suite struct LogicalCaptureTests {
    @Test func eventsArriveAndWritersLeaveNoMarkerAndSendNoNotify() async throws {
        try await LiveRelay.with(capture: .logical, setUp: todoTable) { live in
            #expect(try live.database.query("SELECT mode FROM rohrpost.capture").first?.first == "logical")
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'a'), (1, 'b')")
            try live.database.execute("UPDATE todo SET done = true WHERE title = 'a'")
            let events = try await client.receiveEvents(3)
            #expect(events.map(\.kind) == ["create", "create", "update"])
            #expect(events.map(\.id) == [events[0].id, events[0].id + 1, events[0].id + 2])
            #expect(events[2].updatedFields == ["done"])
            #expect(try live.database.query("SELECT count(*) FROM rohrpost.pending_commit").first?.first == "0")
            let numbered = try live.database.query("SELECT count(*) FROM rohrpost.commits WHERE commit_lsn IS NOT NULL")
            #expect(numbered.first?.first == "2", "the relay numbered both transactions from the stream")
        }
    }

    @Test func outOfOrderCommitsArriveInCommitOrder() async throws {
        try await LiveRelay.with(capture: .logical, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let first = try PostgresConnection(connectionString: live.database.connectionString, applicationName: "writer 1")
            let second = try PostgresConnection(connectionString: live.database.connectionString, applicationName: "writer 2")
            try first.execute("BEGIN; INSERT INTO todo (collection_id, title) VALUES (1, 'written first')")
            try second.execute("BEGIN; INSERT INTO todo (collection_id, title) VALUES (1, 'written second')")
            try second.execute("COMMIT")
            try first.execute("COMMIT")
            let events = try await client.receiveEvents(2)
            #expect(events.map { $0.object["title"] as? String } == ["written second", "written first"])
            #expect(events[0].id < events[1].id)
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

    @Test(.timeLimit(.minutes(1))) func aFiftyThousandRowTransactionArrivesWhole() async throws {
        try await LiveRelay.with(capture: .logical, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 9}"#)
            try live.database.execute(
                "INSERT INTO todo (collection_id, title) SELECT 9, 'bulk ' || n FROM generate_series(1, 50000) n")
            let events = try await client.receiveEvents(50_000, timeout: .seconds(30))
            #expect(events.first?.object["title"] as? String == "bulk 1")
            #expect(events.last?.object["title"] as? String == "bulk 50000")
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.id + 1 == $1.id })
        }
    }

    @Test func aResumingClientGetsWhatItMissed() async throws {
        try await LiveRelay.with(capture: .logical, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'seen')")
            let seen = try await client.receiveEvent()
            try await client.close()
            for n in 1...3 { try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'missed \(n)')") }
            let again = try await live.connect()
            let reply = try await again.request(
                #"{"id": 2, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": \#(seen.id)}}"#)
            #expect(reply == #"{"id":2,"type":"subscribe","data":{"group":"collection-1","recovered":true}}"#)
            #expect(try await again.receiveEvents(3).map { $0.object["title"] as? String } == ["missed 1", "missed 2", "missed 3"])
        }
    }
}
