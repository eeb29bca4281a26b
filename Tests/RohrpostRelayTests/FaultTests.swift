import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// Fault runs: a writer produces a known set of events while something breaks; the
/// clients must end up with exactly that set, in order.
@Suite struct FaultTests {
    /// Inserts rows `range` into collection 1, `perTransaction` rows per transaction.
    static func write(_ range: ClosedRange<Int>, perTransaction: Int, into database: TestDatabase) async throws {
        for start in stride(from: range.lowerBound, through: range.upperBound, by: perTransaction) {
            let end = min(start + perTransaction - 1, range.upperBound)
            try await database.executeOffPool(
                "INSERT INTO todo (id, collection_id, title) SELECT n, 1, 'w' FROM generate_series(\(start), \(end)) n")
        }
    }

    /// Row ids of the next `count` events.
    static func receiveRows(_ count: Int, from client: WebSocketTestClient) async throws -> [Int] {
        try await client.receiveEvents(count, timeout: .seconds(20)).map { $0.object["id"] as? Int ?? -1 }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases) func listenConnectionTerminatedInTheMiddleOfABurstLosesNothing(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let writer = Task { try await Self.write(1...5_000, perTransaction: 50, into: live.database) }
            // Wait until the burst is under way (and clients are receiving), then cut.
            _ = try await client.receiveEvents(500)
            _ = try live.database.query("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'rohrpost-relay listen'
                """)
            try await writer.value
            #expect(try await Self.receiveRows(4_500, from: client) == Array(501...5_000))
            try await client.expectNothing(for: .milliseconds(200))
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases) func postgresStoppedAndStartedLosesNothing(capture: CaptureSwitch.Mode) async throws {
        let cluster = try await PostgresCluster.start(settings: capture == .logical ? PostgresCluster.logicalSettings : [:])
        defer { cluster.destroy() }
        try await LiveRelay.with(cluster: cluster, capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try await Self.write(1...1_000, perTransaction: 100, into: live.database)
            try await cluster.stop()
            try await cluster.start()
            try await Self.write(1_001...2_000, perTransaction: 100, into: live.database)
            #expect(try await Self.receiveRows(2_000, from: client) == Array(1...2_000))
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases)
    func relayKilledWithSIGKILLAndRestartedClientsResumeAndMissNothing(capture: CaptureSwitch.Mode) async throws {
        let cluster = try await capture == .logical ? PostgresCluster.sharedLogical() : PostgresCluster.shared()
        let database = try await cluster.makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        try database.execute(todoTable)
        try await CaptureSwitch(connectionString: database.connectionString).switchTo(capture, logger: testLogger)
        defer { if capture == .logical { try? LiveRelay.dropSlot(of: database) } }
        let port = try LoopbackPort.free()

        var relay = try await RelayProcess(databaseURL: database.connectionString, port: port)
        var client = try await WebSocketTestClient.connect(port: port)
        _ = try await client.request(#"{"id": 1, "type": "subscribe", "data": {"type": "collection", "id": 1}}"#)
        try await Self.write(1...500, perTransaction: 50, into: database)
        let before = try await client.receiveEvents(500, timeout: .seconds(20))
        #expect(before.map { $0.object["id"] as? Int ?? -1 } == Array(1...500))

        relay.kill()
        try await Self.write(501...1_000, perTransaction: 50, into: database)  // while no relay runs
        relay = try await RelayProcess(databaseURL: database.connectionString, port: port)
        client = try await WebSocketTestClient.connect(port: port)
        let reply = try await client.request(
            #"{"id": 2, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": \#(before.last!.id)}}"#)
        #expect(reply.contains(#""recovered":true"#))
        try await Self.write(1_001...1_500, perTransaction: 50, into: database)
        #expect(try await Self.receiveRows(1_000, from: client) == Array(501...1_500))
        relay.kill()
    }

    @Test(arguments: CaptureSwitch.Mode.allCases) func clientAwayForAFewSecondsResumesWithSinceAndMissesNothing(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            var client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try await Self.write(1...300, perTransaction: 30, into: live.database)
            let seen = try await client.receiveEvents(300)
            try await client.close()
            try await Self.write(301...600, perTransaction: 30, into: live.database)
            try await Task.sleep(for: .seconds(2))
            client = try await live.connect()
            _ = try await client.request(
                #"{"id": 5, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": \#(seen.last!.id)}}"#)
            try await Self.write(601...900, perTransaction: 30, into: live.database)
            #expect(try await Self.receiveRows(600, from: client) == Array(301...900))
        }
    }
}
