import Foundation
import RelayTestSupport
import RohrpostPostgres
import Testing

/// Messages from app code, `rohrpost.send(group, type, object)`: sent when and only if the
/// transaction commits, numbered and ordered with row changes, resumable with `since`.
@Suite struct SendTests {
    @Test func aCommittedSendArrivesAndARolledBackOneDoesNot() async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "user", "id": 7}"#)
            try live.database.execute(
                #"BEGIN; SELECT rohrpost.send('user-7', 'export-failed', '{"never": true}'); ROLLBACK;"#)
            try live.database.execute(#"SELECT rohrpost.send('user-7', 'export-finished', '{"url": "/exports/7.csv"}')"#)
            let event = try await client.receiveEvent()
            #expect(event.kind == "export-finished")
            #expect(event.group == "user-7")
            // jsonb writes `{"url": "/exports/7.csv"}`; events carry compact JSON, as row events do.
            #expect(event.objectText == #"{"url":"/exports/7.csv"}"#)
            try await client.expectNothing(for: .milliseconds(200))
        }
    }

    @Test func aSendAndARowChangeInOneTransactionKeepTheirOrder() async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("""
                BEGIN;
                SELECT rohrpost.send('collection-1', 'import-started', '{"rows": 1}');
                INSERT INTO todo (collection_id, title) VALUES (1, 'imported');
                SELECT rohrpost.send('collection-1', 'import-finished', '{"rows": 1}');
                COMMIT;
                """)
            let events = try await client.receiveEvents(3)
            #expect(events.map(\.kind) == ["import-started", "create", "import-finished"])
            #expect(events.map(\.id) == [events[0].id, events[0].id + 1, events[0].id + 2])
        }
    }

    /// Sends are ordered with row changes as transactions are: one that began after another's
    /// commit was acknowledged comes after it, and one that began first and commits after the
    /// others were numbered comes last.
    @Test func concurrentSendsArriveInTheOrderOfCapture() async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let first = try PostgresConnection(connectionString: live.database.connectionString, applicationName: "writer 1")
            let second = try PostgresConnection(connectionString: live.database.connectionString, applicationName: "writer 2")
            // The first to send commits last; a row change begins after the second's commit.
            try first.execute(#"BEGIN; SELECT rohrpost.send('collection-1', 'note', '{"n": "sent first"}')"#)
            try second.execute(#"BEGIN; SELECT rohrpost.send('collection-1', 'note', '{"n": "sent second"}')"#)
            try second.execute("COMMIT")
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'between')")
            var events = try await client.receiveEvents(2)
            try first.execute("COMMIT")
            events += try await client.receiveEvents(1)
            #expect(events.map { ($0.object["n"] ?? $0.object["title"]) as? String } == ["sent second", "between", "sent first"])
            #expect(events[0].id < events[1].id && events[1].id < events[2].id)
        }
    }

    @Test func aSendToSeveralGroupsReachesEachOnceWithOneId() async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "user", "id": 1}"#, #"{"type": "admins"}"#)
            try live.database.execute(#"SELECT rohrpost.send(ARRAY['user-1', 'admins', 'user-1', 'user-2'], 'alert', '{"level": "high"}')"#)
            let events = try await client.receiveEvents(2)
            #expect(Set(events.map(\.group)) == ["user-1", "admins"])
            #expect(events[0].id == events[1].id)
            try await client.expectNothing(for: .milliseconds(200))
        }
    }

    @Test func aResumingClientGetsTheSendsItMissed() async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "job", "id": 3}"#)
            try live.database.execute(#"SELECT rohrpost.send('job-3', 'progress', '{"percent": 10}')"#)
            let seen = try await client.receiveEvent()
            try await client.close()
            for percent in [50, 100] {
                try live.database.execute(#"SELECT rohrpost.send('job-3', 'progress', '{"percent": \#(percent)}')"#)
            }
            let again = try await live.connect()
            let reply = try await again.request(
                #"{"id": 2, "type": "subscribe", "data": {"type": "job", "id": 3, "since": \#(seen.id)}}"#)
            #expect(reply == #"{"id":2,"type":"subscribe","data":{"group":"job-3","recovered":true,"position":\#(seen.id)}}"#)
            let missed = try await again.receiveEvents(2)
            #expect(missed.map { $0.object["percent"] as? Int } == [50, 100])
        }
    }

    @Test(arguments: [8 * 1024, 1024 * 1024])
    func largeObjectsArriveWhole(size: Int) async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "report"}"#)
            try live.database.execute(
                "SELECT rohrpost.send('report', 'ready', jsonb_build_object('text', repeat('x', $1::int)))",
                parameters: [String(size)])
            let event = try await client.receiveEvent()
            #expect((event.object["text"] as? String)?.count == size)
        }
    }

    @Test func badArgumentsAreRefusedWithAClearError() async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let cases = [
                ("SELECT rohrpost.send('', 't', '{}')", "rohrpost.send: a group must not be NULL or empty"),
                ("SELECT rohrpost.send(ARRAY[]::text[], 't', '{}')", "rohrpost.send: groups must name at least one group"),
                ("SELECT rohrpost.send('g', NULL, '{}')", "rohrpost.send: type must not be NULL or empty"),
                ("SELECT rohrpost.send('g', 't', NULL)", "rohrpost.send: object must not be NULL"),
            ]
            for (sql, message) in cases {
                let error = #expect(throws: PostgresError.self) { try live.database.execute(sql) }
                #expect(error?.serverMessage == message, "\(sql)")
            }
        }
    }
}
