import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// Behind nginx, every client counts as its own address (`--trusted-proxy`), and a client
/// that reaches the relay directly cannot choose one with its own `X-Forwarded-For`.
@Suite(.serialized) struct TrustedProxyTests {
    /// A database with the rohrpost schema, for relays started as processes.
    private static func migratedDatabase() async throws -> TestDatabase {
        let database = try await PostgresCluster.shared().makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        return database
    }

    /// Client `n`'s own loopback address: 127.1.0.1, 127.1.0.2, ... (all of 127/8 is local).
    private static func address(_ n: Int) -> String { "127.1.\(n / 250).\(n % 250 + 1)" }

    /// Connects one client from each of `addresses` at once, a batch at a time.
    private static func connect(port: Int, from addresses: [String]) async throws -> [WebSocketTestClient] {
        var clients: [WebSocketTestClient] = []
        for batch in stride(from: 0, to: addresses.count, by: 100) {
            let sources = addresses[batch..<min(batch + 100, addresses.count)]
            clients += try await withThrowingTaskGroup(of: WebSocketTestClient.self) { group in
                for source in sources {
                    group.addTask { try await WebSocketTestClient.connect(port: port, sourceAddress: source) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        return clients
    }

    private static func status(port: Int) async throws -> [String: Any] {
        let response = try await PlainHTTP.get("/status", port: port)
        return try #require(JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
    }

    @Test(.timeLimit(.minutes(2))) func fifteenHundredClientsThroughNginxAreFifteenHundredAddresses() async throws {
        let database = try await Self.migratedDatabase()
        let relay = try await RelayProcess(
            databaseURL: database.connectionString, port: try LoopbackPort.free(),
            arguments: ["--trusted-proxy", "127.0.0.1", "--max-connections-per-address", "1000", "--live-page"])
        let nginx = try await NginxProcess(upstreamPorts: [relay.port], workerConnections: 4096)
        defer { nginx.stop() }

        let clients = try await Self.connect(port: nginx.port, from: (0..<1500).map(Self.address))
        #expect(clients.count == 1500)
        let status = try await Self.status(port: relay.port)
        #expect(status["clients"] as? Int == 1500)
        #expect(status["client_addresses"] as? Int == 1500, "nginx named each client in X-Forwarded-For")
        // Each is served, not just upgraded.
        for client in [clients[0], clients[749], clients[1499]] {
            #expect(try await client.request(#"{"id": 7, "type": "ping"}"#) == #"{"id":7,"type":"pong"}"#)
        }
        for client in clients { try? await client.close() }
    }

    @Test func theLimitHoldsForEachClientBehindNginx() async throws {
        let database = try await Self.migratedDatabase()
        let relay = try await RelayProcess(
            databaseURL: database.connectionString, port: try LoopbackPort.free(),
            arguments: ["--trusted-proxy", "127.0.0.1", "--max-connections-per-address", "2"])
        let nginx = try await NginxProcess(upstreamPorts: [relay.port])
        defer { nginx.stop() }

        let first = try await Self.connect(port: nginx.port, from: ["127.2.0.1", "127.2.0.1"])
        let refused = await #expect(throws: TestSupportError.self) {
            try await WebSocketTestClient.connect(port: nginx.port, sourceAddress: "127.2.0.1")
        }
        #expect(refused?.code == .upgradeFailed(status: 503))
        // Another client behind the same proxy still gets in.
        let other = try await WebSocketTestClient.connect(port: nginx.port, sourceAddress: "127.2.0.2")
        #expect(try await other.request(#"{"id": 1, "type": "ping"}"#) == #"{"id":1,"type":"pong"}"#)
        for client in first + [other] { try? await client.close() }
    }

    @Test func aDirectClientCannotNameItsOwnAddress() async throws {
        let database = try await Self.migratedDatabase()
        let relay = try await RelayProcess(
            databaseURL: database.connectionString, port: try LoopbackPort.free(),
            arguments: ["--trusted-proxy", "127.0.0.1", "--max-connections-per-address", "2", "--live-page"])
        // 127.3.0.1 is not a trusted proxy: what it says of X-Forwarded-For and Forwarded is ignored.
        var clients: [WebSocketTestClient] = []
        for forged in [[("X-Forwarded-For", "203.0.113.1")], [("Forwarded", "for=203.0.113.2")]] {
            clients.append(try await WebSocketTestClient.connect(port: relay.port, headers: forged, sourceAddress: "127.3.0.1"))
        }
        let refused = await #expect(throws: TestSupportError.self) {
            try await WebSocketTestClient.connect(
                port: relay.port, headers: [("X-Forwarded-For", "203.0.113.3")], sourceAddress: "127.3.0.1")
        }
        #expect(refused?.code == .upgradeFailed(status: 503))
        #expect(try await Self.status(port: relay.port)["client_addresses"] as? Int == 1)
        for client in clients { try? await client.close() }
    }
}
