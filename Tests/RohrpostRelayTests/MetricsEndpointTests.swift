import Foundation
import Logging
import Prometheus
import RelayTestSupport
import RohrpostPostgres
@testable import RohrpostRelay
import Testing

/// `GET /metrics` in Prometheus text format, from a registry of the test's own (the
/// executable uses swift-metrics' global factory; tests run many relays in one process).
@Suite struct MetricsEndpointTests {
    @Test func metricsCountEventsReceivedAndFramesSent() async throws {
        let registry = PrometheusCollectorRegistry()
        try await LiveRelay.with(configure: { $0.metrics = Self.export(registry) }, setUp: todoTable) { live in
            let before = try await scrape(live)
            #expect(PrometheusText.value(of: "rohrpost_events_received_total", in: before) == 0)
            #expect(PrometheusText.value(of: "rohrpost_listen_connected", in: before) == 1)

            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let inserted = ContinuousClock.now
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'counted')")
            _ = try await client.receiveEvent()

            let after = try await scrape(live)
            #expect(PrometheusText.value(of: "rohrpost_events_received_total", in: after) == 1)
            #expect(PrometheusText.value(of: "rohrpost_frames_sent_total", in: after) == 1)
            #expect((PrometheusText.value(of: "rohrpost_bytes_sent_total", in: after) ?? 0) > 20)
            #expect(PrometheusText.value(of: "rohrpost_clients_connected", in: after) == 1)
            #expect(PrometheusText.value(of: "rohrpost_subscriptions", in: after) == 1)
            #expect(PrometheusText.value(of: "rohrpost_groups", in: after) == 1)
            let age = try #require(PrometheusText.value(of: "rohrpost_last_event_age_seconds", in: after))
            let sinceInsert = ContinuousClock.now - inserted
            #expect(age <= Double(sinceInsert.components.seconds) + Double(sinceInsert.components.attoseconds) / 1e18,
                    "the age counts from the event, which arrived after the insert")
            try await Task.sleep(for: .milliseconds(1_100))
            let later = try #require(PrometheusText.value(of: "rohrpost_last_event_age_seconds", in: try await scrape(live)))
            #expect(later >= age + 1, "the age grows while no event comes")
            #expect(PrometheusText.value(of: #"rohrpost_clients_closed_total{reason="slow"}"#, in: after) == 0)
            #expect(PrometheusText.value(of: "rohrpost_commit_to_send_seconds_count", in: after) == 1,
                    "the commit-to-send histogram saw the event")
        }
    }

    @Test func metricsCountListenReconnects() async throws {
        let registry = PrometheusCollectorRegistry()
        try await LiveRelay.with(configure: { $0.metrics = Self.export(registry) }) { live in
            #expect(PrometheusText.value(of: "rohrpost_listen_reconnects_total", in: try await scrape(live)) == 0)
            _ = try live.database.query("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'rohrpost-relay listen'
                """)
            let deadline = ContinuousClock.now + .seconds(10)
            while PrometheusText.value(of: "rohrpost_listen_reconnects_total", in: try await scrape(live)) != 1,
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await live.waitUntilListening()
            let text = try await scrape(live)
            #expect(PrometheusText.value(of: "rohrpost_listen_reconnects_total", in: text) == 1)
            #expect(PrometheusText.value(of: "rohrpost_listen_connected", in: text) == 1)
        }
    }

    @Test func notificationQueueUsageIsSampledOnTheSide() async throws {
        let registry = PrometheusCollectorRegistry()
        let database = try await PostgresCluster.shared().makeDatabase()
        let sampler = NotificationQueueSampler(
            connectionString: database.connectionString,
            factory: PrometheusMetricsFactory(registry: registry), logger: Logger(label: "test"))
        // A listener inside a transaction consumes nothing, so NOTIFYs pile up in the queue.
        let stuckListener = try PostgresConnection(connectionString: database.connectionString, applicationName: "stuck listener")
        try stuckListener.execute("LISTEN queue_test")
        try stuckListener.execute("BEGIN")
        for _ in 0..<5 {
            try database.execute("SELECT pg_notify('queue_test', repeat('x', 7000))")
        }

        let usage = try #require(await sampler.sample())
        #expect(usage > 0)
        #expect(PrometheusText.value(of: "rohrpost_pg_notification_queue_usage_ratio", in: registry.emitToString()) == usage)
    }

    private static func export(_ registry: PrometheusCollectorRegistry) -> MetricsExport {
        MetricsExport(factory: PrometheusMetricsFactory(registry: registry), text: { registry.emitToString() })
    }

    private func scrape(_ live: LiveRelay) async throws -> String {
        let response = try await PlainHTTP.get("/metrics", port: live.port)
        #expect(response.status == 200)
        return response.body
    }
}
