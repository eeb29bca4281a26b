import Foundation
import RelayTestSupport
import RohrpostRelay
import Testing

/// A database that goes away for a moment (the relay's backends terminated, PostgreSQL
/// restarted) costs no client its resume: the reply waits for the database and says what
/// the journal holds, never `recovered: false` for a read that failed.
@Suite struct DatabaseOutageTests {
    /// A subscribe to collection 1 resuming after `since`.
    static func resume(_ id: Int, since: Int64) -> String {
        #"{"id": \#(id), "type": "subscribe", "data": {"type": "collection", "id": 1, "since": \#(since)}}"#
    }

    /// Inserts a row into collection 1, has a client receive it, and returns its event id;
    /// then has another client resume once, so the relay's query pool holds connections.
    static func seenEventWithWarmPool(_ live: LiveRelay) async throws -> Int64 {
        let watcher = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
        try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'seen')")
        let seen = try await watcher.receiveEvent().id
        try await watcher.close()
        let warm = try await live.connect()
        #expect(try await warm.request(Self.resume(1, since: seen)).contains(#""recovered":true"#))
        try await warm.close()
        return seen
    }

    @Test(arguments: CaptureSwitch.Mode.allCases)
    func resumeRightAfterTheRelaysQueryConnectionsWereTerminatedIsRecovered(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let seen = try await Self.seenEventWithWarmPool(live)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'missed 1'), (1, 'missed 2')")
            try await live.waitUntilNumbered()
            let terminated = try live.database.query("""
                SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'rohrpost-relay query'
                """)
            #expect(terminated.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0 >= 1, "the pool had connections to lose")

            let client = try await live.connect()
            #expect(try await client.request(Self.resume(2, since: seen))
                == #"{"id":2,"type":"subscribe","data":{"group":"collection-1","recovered":true,"position":\#(seen)}}"#)
            #expect(try await client.receiveEvents(2).map { $0.object["title"] as? String } == ["missed 1", "missed 2"])
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'live')")
            #expect(try await client.receiveEvent().object["title"] as? String == "live")
        }
    }

    @Test(arguments: [(CaptureSwitch.Mode.trigger, false), (.logical, true)])
    func resumeWhilePostgresRestartsWaitsForItAndIsRecovered(capture: CaptureSwitch.Mode, immediately: Bool) async throws {
        let cluster = try await PostgresCluster.start(settings: capture == .logical ? PostgresCluster.logicalSettings : [:])
        defer { cluster.destroy() }
        try await LiveRelay.with(cluster: cluster, capture: capture, setUp: todoTable) { live in
            let seen = try await Self.seenEventWithWarmPool(live)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'missed 1'), (1, 'missed 2')")
            try await live.waitUntilNumbered()
            try await cluster.stop(immediately: immediately)

            let client = try await live.connect()
            guard let reply = try await client.replyHeldUntilPostgresIsBack(to: Self.resume(3, since: seen), cluster: cluster) else { return }
            #expect(reply == #"{"id":3,"type":"subscribe","data":{"group":"collection-1","recovered":true,"position":\#(seen)}}"#)
            #expect(try await client.receiveEvents(2, timeout: .seconds(20)).map { $0.object["title"] as? String } == ["missed 1", "missed 2"])
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'live')")
            #expect(try await client.receiveEvent(timeout: .seconds(20)).object["title"] as? String == "live")
            try await client.expectNothing(for: .milliseconds(200))
        }
    }
}

extension WebSocketTestClient {
    /// Sends `request` while `cluster` is stopped and checks that its reply waits for the
    /// database while the connection answers pings; starts the cluster again and returns
    /// the reply (nil, recorded as an issue, when none came).
    func replyHeldUntilPostgresIsBack(to request: String, cluster: PostgresCluster) async throws -> String? {
        try await send(text: request)
        #expect(try await self.request(#"{"id": 4, "type": "ping"}"#) == #"{"id":4,"type":"pong"}"#)
        try await expectNothing(for: .milliseconds(700))
        try await cluster.start()
        guard case .text(let reply) = try await receive(timeout: .seconds(30)) else {
            Issue.record("no reply once PostgreSQL was back")
            return nil
        }
        return reply
    }
}
