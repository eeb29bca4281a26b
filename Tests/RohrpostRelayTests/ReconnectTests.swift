import Foundation
import Logging
import RelayTestSupport
import RohrpostRelay
import Testing

/// The LISTEN connection comes back by itself, and clients never notice more than a pause.
@Suite struct ReconnectTests {
    @Test func relayReconnectsAfterItsBackendIsTerminatedAndClientsStayConnected() async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'before')")
            #expect(try await client.receiveEvent().object["title"] as? String == "before")

            let terminated = try live.database.query("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'rohrpost-relay listen'
                """)
            #expect(terminated.count == 1, "the relay holds exactly one LISTEN connection")
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'during')")
            try await live.waitUntilListening()
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'after')")

            let titles = try await client.receiveEvents(2).map { $0.object["title"] as? String }
            #expect(titles == ["during", "after"], "caught up from the journal, then live")
            #expect(try await client.request(#"{"id": 1, "type": "ping"}"#) == #"{"id":1,"type":"pong"}"#)
        }
    }

    @Test func relayReconnectsAfterPostgreSQLRestarts() async throws {
        let cluster = try await PostgresCluster.start()
        defer { cluster.destroy() }
        try await LiveRelay.with(cluster: cluster, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try await cluster.stop()
            try await Task.sleep(for: .milliseconds(300))
            try await cluster.start()
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'after restart')")
            let event = try await client.receiveEvent(timeout: .seconds(15))
            #expect(event.object["title"] as? String == "after restart")
        }
    }

    /// A relay that starts while PostgreSQL is down serves WebSocket clients at once, but
    /// confirms a subscribe only when its LISTEN connection has fixed where it starts: a
    /// client that got its reply misses nothing committed after it.
    @Test func subscribeMadeBeforeTheFirstLISTENConnectionIsConfirmedOnceItIsUpAndMissesNothing() async throws {
        let cluster = try await PostgresCluster.start()
        defer { cluster.destroy() }
        let database = try await cluster.makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        try await database.executeOffPool(todoTable)
        try await cluster.stop()

        var configuration = RelayConfiguration(databaseURL: database.connectionString)
        configuration.server.port = 0
        configuration.listener.backoff = .init(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(200))
        let relay = Relay(configuration: configuration, logger: testLogger)
        let task = Task { try await relay.run() }
        defer { task.cancel() }
        let port = try await relay.waitUntilServing().port ?? 0

        let client = try await WebSocketTestClient.connect(port: port)
        #expect(try await client.request(#"{"id": 1, "type": "ping"}"#) == #"{"id":1,"type":"pong"}"#)
        try await client.send(text: #"{"id": 2, "type": "subscribe", "data": {"type": "collection", "id": 1}}"#)
        try await client.expectNothing(for: .milliseconds(500))

        try await cluster.start()
        let reply = try await client.receiveJSON()
        #expect(reply["id"] as? Int == 2 && reply["error"] == nil, "subscribe reply: \(reply)")
        try database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'right after the reply')")
        let event = try await client.receiveEvent()
        #expect(event.object["title"] as? String == "right after the reply")
        task.cancel()
        _ = await task.result
    }
}
