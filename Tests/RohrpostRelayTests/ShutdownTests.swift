import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// The real executable on SIGTERM: clients are told 1001 (going away) so rohrpost-js
/// reconnects elsewhere, and the process exits 0 within its grace period.
@Suite struct ShutdownTests {
    @Test func sigtermClosesClientsWith1001AndExitsZeroWithinTheGrace() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        let port = try LoopbackPort.free()
        let relay = try await RelayProcess(
            databaseURL: database.connectionString, port: port, arguments: ["--shutdown-grace", "5s"])
        let clients = [try await WebSocketTestClient.connect(port: port), try await WebSocketTestClient.connect(port: port)]
        for client in clients {
            #expect(try await client.request(#"{"id": 1, "type": "ping"}"#) == #"{"id":1,"type":"pong"}"#)
        }

        let sent = ContinuousClock.now
        let status = try await relay.terminate(timeout: .seconds(5))
        let took = ContinuousClock.now - sent

        #expect(status == 0, "exit status \(status.map(String.init) ?? "none: still running after 5 s")")
        #expect(took < .seconds(5))
        for client in clients {
            guard case .close(let code, _) = try await client.receive() else {
                Issue.record("expected a close frame")
                continue
            }
            #expect(code == 1001)
        }
    }

    @Test func sigtermWithoutClientsExitsZeroAndFreesThePort() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        let port = try LoopbackPort.free()
        let relay = try await RelayProcess(databaseURL: database.connectionString, port: port)
        #expect(try await relay.terminate(timeout: .seconds(10)) == 0)
        await #expect(throws: (any Error).self) { try await WebSocketTestClient.connect(port: port) }
    }
}
