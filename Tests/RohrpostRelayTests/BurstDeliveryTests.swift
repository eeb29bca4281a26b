import Foundation
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// Bursts of many short concurrent transactions, with no fault at all: a live client must
/// receive every event the journal holds, each once. (Issue 21: in logical capture a
/// numbered position could become visible before its writer's journal rows, and the
/// reader stepped over it.)
@Suite struct BurstDeliveryTests {
    @Test(.timeLimit(.minutes(2)), arguments: CaptureSwitch.Mode.allCases)
    func aBurstOfConcurrentWritersReachesALiveClientWhole(capture: CaptureSwitch.Mode) async throws {
        // Durable, as production is: with synchronous_commit off (the shared test clusters) a
        // writer leaves the proc array before its commit is even flushed, and the walsender
        // sends only flushed WAL, so the window this test looks for never opens.
        let cluster = try await PostgresCluster.start(
            settings: PostgresCluster.logicalSettings.merging(["fsync": "on", "synchronous_commit": "on"]) { $1 })
        defer { cluster.destroy() }
        try await LiveRelay.with(cluster: cluster, capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try Self.pgbench(clients: 32, transactions: 500, on: live.database)
            try await live.waitUntilNumbered(timeout: .seconds(30))
            let journal = Set(try live.database.query("SELECT position FROM rohrpost.read_events(0, 100000000)")
                .compactMap { $0[0].flatMap { Int64($0) } })
            #expect(journal.count > 1_000, "the burst wrote only \(journal.count) events")
            var received: [Int64] = []
            while received.count < journal.count {
                guard let event = try? await client.receiveEvent(timeout: .seconds(3)) else { break }
                received.append(event.id)
            }
            let missing = journal.subtracting(received).sorted()
            #expect(missing.isEmpty, "\(missing.count) of \(journal.count) events never arrived: \(missing.prefix(20))")
            #expect(received == received.sorted() && Set(received).count == received.count, "ids not strictly increasing")
            #expect(Set(received).isSubset(of: journal), "received events the journal does not hold")
        }
    }

    /// The gap itself, held open: a writer whose commit record is flushed (so the walsender
    /// streams it) but who has not left the proc array, because it waits for a synchronous
    /// standby that never answers. A transaction committed after it must not carry a
    /// reader past it: once the held one is released, the client gets both.
    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func aCommitFlushedButNotYetVisibleIsNotSteppedOver(capture: CaptureSwitch.Mode) async throws {
        let cluster = try await PostgresCluster.start(settings: PostgresCluster.logicalSettings)
        defer { cluster.destroy() }
        try await LiveRelay.with(cluster: cluster, capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
            try live.database.execute("SELECT pg_reload_conf()")
            defer {
                try? live.database.execute("ALTER SYSTEM RESET synchronous_standby_names")
                try? live.database.execute("SELECT pg_reload_conf()")
            }
            // The test cluster commits with synchronous_commit off; this writer, on a connection
            // of its own, waits.
            let connectionString = live.database.connectionString
            let held = Task {
                try await onDedicatedThread {
                    try PostgresConnection(connectionString: connectionString, applicationName: "held writer").execute(
                        "SET synchronous_commit = on; INSERT INTO todo (collection_id, title) VALUES (1, 'held')")
                }
            }
            let waiting = "SELECT pid FROM pg_stat_activity WHERE wait_event = 'SyncRep'"
            let deadline = ContinuousClock.now + .seconds(10)
            while try live.database.query(waiting).isEmpty {
                #expect(ContinuousClock.now < deadline, "the held writer never waited for the standby")
                try await Task.sleep(for: .milliseconds(20))
            }
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'after')")
            // Time for the relay to see both commits in the stream (or in the journal).
            try await Task.sleep(for: .milliseconds(500))
            try live.database.execute("SELECT pg_cancel_backend(pid) FROM (\(waiting)) w")
            try await held.value
            let titles = try await client.receiveEvents(2).map { $0.object["title"] as? String ?? "?" }
            if capture == .logical {
                #expect(titles == ["held", "after"], "logical capture keeps WAL commit order")
            } else {
                #expect(Set(titles) == ["held", "after"], "the two overlapped: either order")
            }
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    /// Runs pgbench: `clients` sessions each committing `transactions` inserts of one row of collection 1 (a count rather than -T: pgbench times -T with SIGALRM, which a child spawned from a test thread may have blocked).
    static func pgbench(clients: Int, transactions: Int, on database: TestDatabase) throws {
        let script = NSTemporaryDirectory() + "rohrpost-burst-\(UInt64.random(in: .min ... .max)).sql"
        try "INSERT INTO todo (collection_id, title) VALUES (1, 'burst');\n".write(toFile: script, atomically: true, encoding: .utf8)
        defer { unlink(script) }
        try ServerProcess.run([
            try LocalPostgresServer.findBinDirectory() + "/pgbench", "-n", "-c", "\(clients)", "-j", "4",
            "-t", "\(transactions)", "-f", script, database.connectionString,
        ])
    }
}
