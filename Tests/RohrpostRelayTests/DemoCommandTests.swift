import Foundation
import RelayTestSupport
import RohrpostPostgres
import Testing

/// `rohrpost-relay demo` as a newcomer runs it: what its banner prints works.
@Suite struct DemoCommandTests {
    /// The demo writer deletes the oldest rows as it adds new ones, so the printed `psql`
    /// line must change a row that exists whenever it is run: run after row 1 is gone, it
    /// still delivers an update.
    @Test(.timeLimit(.minutes(1))) func theBannersPsqlLineUpdatesARowWheneverItIsRun() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        let demo = try RelayCommand([
            "demo", "--database-url", database.connectionString, "--port", "0", "--no-live-page",
            "--writes-per-second", "40", "--log-level", "warning",
        ])
        let webSocket = try await demo.waitFor(#"WebSocket: +ws://127\.0\.0\.1:[0-9]+/"#)
        let port = try #require(Int(webSocket.split(separator: ":").last?.dropLast() ?? ""))
        let printed = try await demo.waitFor(#"psql [^\n]+"#)

        // At 40 writes a second the writer has removed row 1 within a second.
        let deadline = ContinuousClock.now + .seconds(20)
        while try database.query("SELECT count(*) FROM todo WHERE id = 1").first?.first == "1" {
            guard ContinuousClock.now < deadline else { throw LiveRelayError("the demo writer never removed row 1") }
            try await Task.sleep(for: .milliseconds(50))
        }
        let client = try await WebSocketTestClient.connect(port: port)
        try await client.send(text: #"{"id": 1, "type": "subscribe", "data": {"type": "todo"}}"#)
        #expect(try await client.receiveJSON()["error"] == nil)

        let said = try ServerProcess.run(["/bin/sh", "-c", printed])
        #expect(said.contains("UPDATE 1"), "\(printed): \(said)")

        // The writer's own updates come too; the printed line's is among the next ones.
        var sawHello = false
        for _ in 0..<200 where !sawHello {
            let event = try await client.receiveEvent(timeout: .seconds(10))
            sawHello = event.kind == "update" && event.object["title"] as? String == "hello"
        }
        #expect(sawHello, "the update of \(printed) arrived")
        try await client.close()
        #expect(try await demo.terminate() == 0)
    }
}
