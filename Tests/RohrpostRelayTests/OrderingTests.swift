import Foundation
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// Events arrive once, complete, and in commit order, whatever the transactions did.
@Suite struct OrderingTests {
    @Test(arguments: CaptureSwitch.Mode.allCases) func rolledBackTransactionSendsNothing(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("BEGIN; INSERT INTO todo (collection_id, title) VALUES (1, 'never'); ROLLBACK;")
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'kept')")
            let event = try await client.receiveEvent()
            #expect(event.object["title"] as? String == "kept")
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases) func rowChangedBackAndForthInOneTransactionSendsEveryChange(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable + "INSERT INTO todo (collection_id, title) VALUES (1, 'x');") { live in
            let client = try await live.subscriber(#"{"type": "todo", "id": 1}"#)
            try live.database.execute("""
                BEGIN;
                UPDATE todo SET title = 'y' WHERE id = 1; UPDATE todo SET title = 'x' WHERE id = 1;
                UPDATE todo SET title = 'y' WHERE id = 1; UPDATE todo SET title = 'x' WHERE id = 1;
                COMMIT;
                """)
            let titles = try await client.receiveEvents(4).map { $0.object["title"] as? String }
            #expect(titles == ["y", "x", "y", "x"])
            try await client.expectNothing(for: .milliseconds(200))
        }
    }

    /// A transaction that began writing first and commits last comes last: in logical capture
    /// always (the WAL's commit order), in trigger capture once the other was numbered before
    /// it committed (two that become visible in one batch overlapped, and may come either way).
    @Test(arguments: CaptureSwitch.Mode.allCases) func aTransactionThatBeganFirstAndCommitsLastComesLast(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let first = try PostgresConnection(connectionString: live.database.connectionString, applicationName: "writer 1")
            let second = try PostgresConnection(connectionString: live.database.connectionString, applicationName: "writer 2")
            try first.execute("BEGIN; INSERT INTO todo (collection_id, title) VALUES (1, 'written first')")
            try second.execute("BEGIN; INSERT INTO todo (collection_id, title) VALUES (1, 'written second')")
            try second.execute("COMMIT")
            var events: [ReceivedEvent] = []
            if capture == .trigger {
                events.append(try await client.receiveEvent())
            }
            try first.execute("COMMIT")
            events += try await client.receiveEvents(2 - events.count)
            #expect(events.map { $0.object["title"] as? String } == ["written second", "written first"])
            #expect(events[0].id < events[1].id)
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases) func largeRowIsDeliveredInFullInItsPlace(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let large = String(repeating: "0123456789", count: 10_000)  // 100 KB, past NOTIFY's 8000 bytes
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'before')")
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, $1)", parameters: [large])
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'after')")
            let titles = try await client.receiveEvents(3).map { $0.object["title"] as? String }
            #expect(titles == ["before", large, "after"])
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases)
    func fiftyThousandRowUpdateInOneTransactionDeliversEveryEventInOrder(capture: CaptureSwitch.Mode) async throws {
        let rows = 50_000
        try await LiveRelay.with(capture: capture, setUp: todoTable + "INSERT INTO todo (collection_id, title) SELECT 1, 'row' FROM generate_series(1, \(rows));") { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try await live.database.executeOffPool("UPDATE todo SET done = true")
            var lastID: Int64 = 0
            var seen = Set<Int>()
            for _ in 0..<rows {
                let event = try await client.receiveEvent(timeout: .seconds(30))
                #expect(event.id > lastID)
                lastID = event.id
                seen.insert(event.object["id"] as? Int ?? 0)
            }
            #expect(seen.count == rows)
            try await client.expectNothing(for: .milliseconds(200))
        }
    }
}
