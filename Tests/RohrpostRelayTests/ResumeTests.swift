import Foundation
import RelayTestSupport
import RohrpostRelay
import Testing

/// A client that reconnects with `since` gets what it missed, then live events: no gap,
/// no duplicate; or word that the backlog is gone.
@Suite struct ResumeTests {
    @Test(arguments: CaptureSwitch.Mode.allCases) func resumingClientGetsTheEventsItMissedThenLiveOnes(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let first = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'seen')")
            let seen = try await first.receiveEvent()
            try await first.close()

            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'missed 1'), (2, 'other group')")
            try live.database.execute("UPDATE todo SET title = 'missed 2' WHERE title = 'missed 1'")

            let again = try await live.connect()
            let reply = try await again.request(
                #"{"id": 7, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": \#(seen.id)}}"#)
            #expect(reply == #"{"id":7,"type":"subscribe","data":{"group":"collection-1","recovered":true,"position":\#(seen.id)}}"#)
            let missed = try await again.receiveEvents(2)
            #expect(missed.map { $0.object["title"] as? String } == ["missed 1", "missed 2"])
            #expect(missed.map(\.kind) == ["create", "update"])
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'live')")
            #expect(try await again.receiveEvent().object["title"] as? String == "live")
            try await again.expectNothing(for: .milliseconds(200))
            let names = try live.database.query(
                "SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = current_database() ORDER BY 1")
            let expected = (capture == .logical ? ["rohrpost-relay capture"] : []) + ["rohrpost-relay listen", "rohrpost-relay query", "rohrpost-relay sequencer"]
            #expect(names.compactMap { $0.first ?? nil }.filter { $0.hasPrefix("rohrpost-relay") }
                == expected, "operators can tell the relay's connections apart")
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases) func subscribeReplyNamesWhereTheSubscriptionStartsAndResumingFromThereMissesNothing(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            // Once another client has the event, the relay has delivered it.
            let watcher = try await live.subscriber(#"{"type": "collection", "id": 2}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (2, 'elsewhere')")
            let elsewhere = try await watcher.receiveEvent().id
            let first = try await live.connect()
            let reply = try await first.request(#"{"id": 1, "type": "subscribe", "data": {"type": "collection", "id": 1}}"#)
            #expect(reply == #"{"id":1,"type":"subscribe","data":{"group":"collection-1","position":\#(elsewhere)}}"#)
            // Gone before the group's first event, which it never saw.
            try await first.close()
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'missed')")

            let again = try await live.connect()
            let resumed = try await again.request(
                #"{"id": 2, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": \#(elsewhere)}}"#)
            #expect(resumed.contains(#""recovered":true"#))
            #expect(try await again.receiveEvent().object["title"] as? String == "missed")
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases) func resumeWhileWritesGoOnHasNoGapAndNoDuplicate(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let writes = 400
            let writer = Task {
                for index in 1...writes {
                    try await live.database.executeOffPool("INSERT INTO todo (id, collection_id, title) VALUES (\(index), 1, 'w')")
                }
            }
            // Join halfway through, resuming from the start of the stream.
            while (try live.database.query("SELECT count(*) FROM todo").first?.first ?? nil).flatMap({ Int($0) }) ?? 0 < writes / 2 {
                try await Task.sleep(for: .milliseconds(5))
            }
            let client = try await live.connect()
            let reply = try await client.request(#"{"id": 1, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": 0}}"#)
            #expect(reply.contains(#""recovered":true"#))
            try await writer.value
            let rows = try await client.receiveEvents(writes).map { $0.object["id"] as? Int ?? -1 }
            #expect(rows == Array(1...writes))
            try await client.expectNothing(for: .milliseconds(200))
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases) func sinceOlderThanTheJournalKeepsAnswersRecoveredFalseAndSubscribesFromNow(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            // Once another client has both events, the relay has sent them: a subscription
            // "from now" starts after them. (Numbered is not enough: the relay may not have
            // read them yet, and would then send them to the new subscription, rightly.)
            let watcher = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'old')")
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'newest')")
            let watched = try await watcher.receiveEvents(2)
            #expect(watched.map { $0.object["title"] as? String } == ["old", "newest"])
            try live.database.execute("SELECT rohrpost.prune(keep => '0 seconds')")
            let client = try await live.connect()
            let reply = try await client.request(#"{"id": 2, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": 0}}"#)
            #expect(reply == #"{"id":2,"type":"subscribe","data":{"group":"collection-1","recovered":false,"position":\#(watched[1].id)}}"#,
                "subscribed from now: after the newest event")
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'after')")
            #expect(try await client.receiveEvent().object["title"] as? String == "after")
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases) func sinceFromTheFutureAnswersRecoveredFalse(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, configure: { $0.journal.resumeAheadWait = .milliseconds(300) }, setUp: todoTable) { live in
            let client = try await live.connect()
            let reply = try await client.request(#"{"id": 3, "type": "subscribe", "data": {"type": "todo", "since": 999999}}"#)
            #expect(reply.contains(#""recovered":false"#))
        }
    }

    /// After a PostgreSQL crash, logical capture numbers the replayed stream again with the
    /// ids clients saw, a moment after the database is back: a resume from such an id waits
    /// for the journal to get there, then is complete.
    @Test(arguments: CaptureSwitch.Mode.allCases)
    func sinceJustPastTheJournalWaitsForItAndIsRecovered(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let client = try await live.connect()
            try await client.send(text: #"{"id": 5, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": 2}}"#)
            try await Task.sleep(for: .milliseconds(300))
            try live.database.execute(
                "INSERT INTO todo (collection_id, title) VALUES (1, 'seen 1'), (1, 'seen 2'), (1, 'after')")
            let reply = try await client.receiveJSON()
            #expect((reply["data"] as? [String: Any])?["recovered"] as? Bool == true, "\(reply)")
            #expect(try await client.receiveEvent().object["title"] as? String == "after")
        }
    }

    @Test func malformedSinceIsRefusedWithAClearError() async throws {
        try await LiveRelay.with { live in
            let client = try await live.connect()
            let reply = try await client.request(#"{"id": 4, "type": "subscribe", "data": {"type": "todo", "since": "yesterday"}}"#)
            #expect(reply == #"{"id":4,"type":"subscribe","error":"Invalid subscription: data.since must be a non-negative integer"}"#)
        }
    }
}
