import Foundation
import RelayTestSupport
import Testing

/// `GET /healthz` and `GET /readyz` on the relay's port, as Kubernetes probes use them.
@Suite struct HealthEndpointTests {
    @Test func healthzAnswersOKWhileTheProcessRuns() async throws {
        try await LiveRelay.with { live in
            let response = try await PlainHTTP.get("/healthz", port: live.port)
            #expect(response.status == 200)
            #expect(response.body == "ok\n")
        }
    }

    @Test func readyzAnswersOKWhileListeningAnd503OnceItsPostgreSQLStops() async throws {
        let cluster = try await PostgresCluster.start()
        defer { cluster.destroy() }
        try await LiveRelay.with(cluster: cluster) { live in
            let ready = try await PlainHTTP.get("/readyz", port: live.port)
            #expect(ready.status == 200)
            #expect(ready.body == "ready\n")

            try await cluster.stop()
            let deadline = ContinuousClock.now + .seconds(10)
            var response = try await PlainHTTP.get("/readyz", port: live.port)
            while response.status == 200, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                response = try await PlainHTTP.get("/readyz", port: live.port)
            }
            #expect(response.status == 503)
            #expect(response.body.hasPrefix("not ready: the LISTEN connection to PostgreSQL is down"))
            #expect(try await PlainHTTP.get("/healthz", port: live.port).status == 200, "alive, just not ready")

            try await cluster.start()
            try await live.waitUntilListening()
            #expect(try await PlainHTTP.get("/readyz", port: live.port).status == 200, "ready again after reconnecting")
        }
    }

    @Test func unknownPathsAnswer404AndMetricsWithoutAnExportToo() async throws {
        try await LiveRelay.with { live in
            let unknown = try await PlainHTTP.get("/nothing-here", port: live.port)
            let metrics = try await PlainHTTP.get("/metrics", port: live.port)
            let webSocketPath = try await PlainHTTP.get("/ws/rohrpost/", port: live.port)
            #expect(unknown.status == 404)
            #expect(metrics.status == 404)
            #expect(webSocketPath.status == 426)
        }
    }
}
