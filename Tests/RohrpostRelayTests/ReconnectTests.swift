import Foundation
import RelayTestSupport
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
}
