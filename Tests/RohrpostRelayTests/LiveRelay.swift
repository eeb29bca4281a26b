import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// A relay on a free port, listening on a fresh database of the shared test cluster that
/// has the migrations applied: the setting of every live test.
final class LiveRelay: Sendable {
    let database: TestDatabase
    let relay: Relay
    let port: Int
    private let task: Task<Void, any Error>

    private init(database: TestDatabase, relay: Relay, port: Int, task: Task<Void, any Error>) {
        self.database = database
        self.relay = relay
        self.port = port
        self.task = task
    }

    /// Runs `body` with a started relay, and stops the relay afterwards whatever happens;
    /// on `database` when given (a test that prepared one itself), else on a fresh one.
    @discardableResult
    static func with<T>(
        cluster: PostgresCluster? = nil,
        database existing: TestDatabase? = nil,
        capture: CaptureSwitch.Mode = .trigger,
        configure: (inout RelayConfiguration) -> Void = { _ in },
        setUp sql: String = "",
        _ body: (LiveRelay) async throws -> T
    ) async throws -> T {
        let cluster =
            if let cluster { cluster } else if capture == .logical { try await PostgresCluster.sharedLogical() } else {
                try await PostgresCluster.shared()
            }
        let database = if let existing { existing } else { try await cluster.makeDatabase() }
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        if !sql.isEmpty {
            try await database.executeOffPool(sql)
            // What the set-up wrote is history, numbered before the relay's listener starts
            // (as trigger capture did at commit before sql/0009): else the relay's sequencer
            // numbers it after, and clients that subscribed meanwhile get it as live events.
            try await onDedicatedThread { try database.sequence() }
        }
        if capture == .logical {
            try await CaptureSwitch(connectionString: database.connectionString).switchTo(.logical, logger: testLogger)
        }
        defer { if capture == .logical { try? Self.dropSlot(of: database) } }
        var configuration = RelayConfiguration(databaseURL: database.connectionString)
        configuration.server.port = 0
        configuration.listener.backoff = .init(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500))
        configuration.capture.statusInterval = .milliseconds(200)
        configuration.capture.takeoverInterval = .milliseconds(200)
        configuration.capture.modeCheckInterval = .milliseconds(500)
        configure(&configuration)
        let relay = Relay(configuration: configuration, logger: testLogger)
        let task = Task { try await relay.run() }
        let live: LiveRelay
        do {
            let address = try await relay.waitUntilServing()
            live = LiveRelay(database: database, relay: relay, port: address.port ?? 0, task: task)
            try await live.waitUntilListening()
        } catch {
            task.cancel()
            throw error
        }
        do {
            let result = try await body(live)
            await live.stop()
            return result
        } catch {
            await live.stop()
            throw error
        }
    }

    /// Waits until every committed journal row has its position: at once in trigger
    /// capture; in logical capture once the relay holding the slot has numbered them.
    func waitUntilNumbered(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try database.query(
            "SELECT 1 FROM rohrpost.journal j WHERE NOT EXISTS (SELECT FROM rohrpost.commits c WHERE c.xid = j.xid) LIMIT 1"
        ).count > 0 {
            guard ContinuousClock.now < deadline else { throw LiveRelayError("journal rows still without positions after \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Drops the database's replication slot (the shared cluster has room for a few dozen).
    static func dropSlot(of database: TestDatabase) throws {
        try database.execute(
            """
            SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots
                WHERE slot_name = (SELECT slot_name FROM rohrpost.capture) AND active_pid IS NOT NULL;
            SELECT pg_sleep(0.05);
            SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                WHERE slot_name = (SELECT slot_name FROM rohrpost.capture);
            """)
    }

    /// Cancels the relay and waits until it has shut down.
    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Waits until the LISTEN connection is up and caught up (at most 10 s).
    func waitUntilListening() async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !relay.isListening {
            guard ContinuousClock.now < deadline else { throw LiveRelayError("the relay did not start listening within 10 s") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// A new WebSocket client connected to this relay.
    func connect() async throws -> WebSocketTestClient {
        try await WebSocketTestClient.connect(port: port)
    }

    /// A new client subscribed to each of `groups` (given as the subscribe's `data` JSON).
    func subscriber(_ groups: String...) async throws -> WebSocketTestClient {
        let client = try await connect()
        for (index, data) in groups.enumerated() {
            try await client.send(text: #"{"id": \#(index), "type": "subscribe", "data": \#(data)}"#)
            let reply = try await client.receiveJSON()
            #expect(reply["error"] == nil, "subscribe \(data) was refused: \(reply)")
        }
        return client
    }
}

/// A live-test setup failure, in words.
struct LiveRelayError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Logs of relays under test: warnings and worse, so failures show their cause.
let testLogger: Logger = {
    var logger = Logger(label: "relay-under-test")
    logger.logLevel = ProcessInfo.processInfo.environment["RELAY_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
    return logger
}()
