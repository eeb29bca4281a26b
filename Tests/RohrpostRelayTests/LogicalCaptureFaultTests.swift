import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// Logical capture under faults: whatever breaks, every committed row reaches the client
/// once, in commit order.
@Suite struct LogicalCaptureFaultTests {
    /// A database of the logical test cluster with the todo table, in logical capture.
    private static func logicalDatabase() async throws -> TestDatabase {
        let database = try await PostgresCluster.sharedLogical().makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        try database.execute(todoTable)
        try await CaptureSwitch(connectionString: database.connectionString).switchTo(.logical, logger: testLogger)
        return database
    }

    /// Whether the relay on `port` (started with --live-page) streams the slot.
    private static func holdsSlot(_ port: Int) async -> Bool {
        guard let response = try? await PlainHTTP.get("/status", port: port) else { return false }
        return response.body.contains(#""holding_slot":true"#)
    }

    /// Inserts rows `range` into collection 1, one per transaction, as one writer; a write
    /// that fails while PostgreSQL is down is tried again (the row's id keeps it from being
    /// written twice).
    private static func writeThroughOutages(_ range: ClosedRange<Int>, into database: TestDatabase) async throws {
        for n in range {
            while true {
                do {
                    try await database.executeOffPool(
                        "INSERT INTO todo (id, collection_id, title) VALUES (\(n), 1, 'w') ON CONFLICT (id) DO NOTHING")
                    break
                } catch {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    /// Inserts rows `range` into collection 1, one per transaction.
    private static func write(_ range: ClosedRange<Int>, into database: TestDatabase) async throws {
        for n in range {
            try await database.executeOffPool("INSERT INTO todo (id, collection_id, title) VALUES (\(n), 1, 'w')")
        }
    }

    @Test(.timeLimit(.minutes(1))) func theSlotHoldersDeathIsTakenOverAndNothingIsLost() async throws {
        let database = try await Self.logicalDatabase()
        defer { try? LiveRelay.dropSlot(of: database) }
        let first = try await RelayProcess(databaseURL: database.connectionString, port: try LoopbackPort.free(), arguments: ["--live-page"])
        let second = try await RelayProcess(databaseURL: database.connectionString, port: try LoopbackPort.free(), arguments: ["--live-page"])
        var holder: RelayProcess?
        let deadline = ContinuousClock.now + .seconds(15)
        while holder == nil, ContinuousClock.now < deadline {
            if await Self.holdsSlot(first.port) { holder = first } else if await Self.holdsSlot(second.port) { holder = second }
            try await Task.sleep(for: .milliseconds(50))
        }
        let killed = try #require(holder, "one relay takes the slot")
        let standby = killed === first ? second : first
        #expect(!(await Self.holdsSlot(standby.port)))

        let client = try await WebSocketTestClient.connect(port: standby.port)
        _ = try await client.request(#"{"id": 1, "type": "subscribe", "data": {"type": "collection", "id": 1}}"#)
        let writer = Task { try await Self.write(1...600, into: database) }
        _ = try await client.receiveEvents(100, timeout: .seconds(20))
        killed.kill()
        try await writer.value
        let rest = try await client.receiveEvents(500, timeout: .seconds(20)).map { $0.object["id"] as? Int ?? -1 }
        #expect(rest == Array(101...600))
        try await client.expectNothing(for: .milliseconds(300))
        #expect(await Self.holdsSlot(standby.port), "the standby took the slot over")
        standby.kill()
    }

    @Test func theReplicationConnectionTerminatedLosesNothing() async throws {
        try await LiveRelay.with(capture: .logical, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let writer = Task { try await Self.write(1...400, into: live.database) }
            _ = try await client.receiveEvents(100, timeout: .seconds(20))
            let terminated = try live.database.query(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = (SELECT slot_name FROM rohrpost.capture)")
            #expect(terminated.first?.first == "t", "the walsender was terminated")
            try await writer.value
            let rest = try await client.receiveEvents(300, timeout: .seconds(20)).map { $0.object["id"] as? Int ?? -1 }
            #expect(rest == Array(101...400))
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test(.timeLimit(.minutes(1))) func switchingToLogicalAndBackWhileWritersRunLosesNothing() async throws {
        let cluster = try await PostgresCluster.sharedLogical()
        try await LiveRelay.with(cluster: cluster, setUp: todoTable) { live in
            defer { try? LiveRelay.dropSlot(of: live.database) }
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            // Three sessions of their own, so transactions overlap, writing until the last switch is done.
            let stop = StopSignal()
            let writers = Task {
                try await ConcurrentSessions.run(3, on: live.database) { writer, connection in
                    var n = 1 + writer
                    while !stop.isSet {
                        try connection.execute(
                            "INSERT INTO todo (id, collection_id, title) VALUES (\(n), 1, 'w'); SELECT rohrpost.send('collection-1', 'note', '{}')")
                        n += 3
                    }
                }
            }
            let captureSwitch = CaptureSwitch(connectionString: live.database.connectionString)
            for mode in [CaptureSwitch.Mode.logical, .trigger, .logical, .trigger] {
                try await Task.sleep(for: .milliseconds(300))
                try await captureSwitch.switchTo(mode, logger: testLogger)
            }
            try await Task.sleep(for: .milliseconds(300))
            stop.set()
            try await writers.value
            let written = try live.database.query("SELECT id FROM todo ORDER BY id").compactMap { $0.first?.flatMap { Int($0) } }
            let events: [ReceivedEvent]
            do {
                events = try await client.receiveEvents(2 * written.count, timeout: .seconds(30))
            } catch {
                let orphans = try live.database.query(
                    "SELECT j.xid::text, j.seq, j.kind FROM rohrpost.journal j WHERE NOT EXISTS (SELECT FROM rohrpost.commits c WHERE c.xid = j.xid) ORDER BY 1, 2")
                let state = try live.database.query("SELECT mode, (SELECT count(*) FROM rohrpost.commits)::text, (SELECT count(*) FROM rohrpost.journal)::text, (SELECT string_agg(slot_name || ' ' || coalesce(confirmed_flush_lsn::text, '-') || ' ' || active::text, ', ') FROM pg_replication_slots) FROM rohrpost.capture")
                Issue.record("journal rows without a position: \(orphans.prefix(20)) (\(orphans.count) in all); mode, commits, journal rows, slots: \(state)")
                throw error
            }
            let rows = events.compactMap { $0.kind == "create" ? $0.object["id"] as? Int : nil }
            #expect(rows.sorted() == written, "every row once (\(written.count) written)")
            #expect(events.filter { $0.kind == "note" }.count == written.count, "every message once")
            #expect(events.idsIncrease, "ids strictly increase")
            // A transaction's two events together, the row first.
            #expect(stride(from: 0, to: events.count - 1, by: 2).allSatisfy { events[$0].kind == "create" && events[$0 + 1].kind == "note" && events[$0 + 1].id == events[$0].id + 1 })
            // Real-time order: each writer's rows arrive in the order it wrote them.
            #expect(ConcurrentSessions.eachWritersRowsInOrder(rows, writers: 3))
            try await client.expectNothing(for: .milliseconds(300))
            #expect(try live.database.query("SELECT mode FROM rohrpost.capture").first?.first == "trigger")
            // Both sources numbered: the stream (commits with a commit LSN) and trigger
            // capture's sequencer (from the journal, sql/0011: no commit LSN).
            let sources = try live.database.query(
                "SELECT count(*) FILTER (WHERE commit_lsn IS NULL)::text, count(*) FILTER (WHERE commit_lsn IS NOT NULL)::text FROM rohrpost.commits")
            #expect(sources.first?[0] != "0" && sources.first?[1] != "0", "transactions numbered by trigger capture, by logical capture: \(sources)")
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func postgresRestartedInTheMiddleOfABurstLosesNothing(capture: CaptureSwitch.Mode) async throws {
        let cluster = try await PostgresCluster.start(settings: capture == .logical ? PostgresCluster.logicalSettings : [:])
        defer { cluster.destroy() }
        try await LiveRelay.with(cluster: cluster, capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let writer = Task { try await Self.writeThroughOutages(1...1_500, into: live.database) }
            _ = try await client.receiveEvents(300, timeout: .seconds(20))
            try await cluster.stop()
            try await cluster.start()
            try await writer.value
            let rest = try await client.receiveEvents(1_200, timeout: .seconds(30)).map { $0.object["id"] as? Int ?? -1 }
            #expect(rest == Array(301...1_500))
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test(.timeLimit(.minutes(1))) func aPostgresCrashRenumbersWithTheSameIds() async throws {
        let cluster = try await PostgresCluster.start(settings: PostgresCluster.logicalSettings)
        defer { cluster.destroy() }
        try await LiveRelay.with(cluster: cluster, capture: .logical, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let writer = Task { try await Self.writeThroughOutages(1...1_000, into: live.database) }
            var received = try await client.receiveEvents(200, timeout: .seconds(20))
            // As a crash would: no checkpoint, and commits not yet written (synchronous_commit
            // is off on this cluster) are gone, writers' and the relay's numbering alike.
            try await cluster.stop(immediately: true)
            try await cluster.start()
            try await writer.value
            try await live.waitUntilNumbered(timeout: .seconds(20))
            let total = try #require((try live.database.query("SELECT count(*) FROM todo").first?.first ?? nil).flatMap { Int($0) })
            received += try await client.receiveEvents(total - 200, timeout: .seconds(20))
            let ids = received.map { $0.object["id"] as? Int ?? -1 }
            let rows = try live.database.query("SELECT id FROM todo ORDER BY id").compactMap { $0.first?.flatMap { Int($0) } }
            #expect(ids == rows, "every surviving row once, in commit order")
            #expect(received.idsIncrease)
            // What the client saw is what the journal says now: the same ids.
            let journal = try live.database.query(
                "SELECT (object->>'id')::int, position FROM rohrpost.read_events(0, 5000)").map { ($0[0] ?? "", $0[1] ?? "") }
            let byRow = Dictionary(journal.map { (Int($0.0) ?? -1, Int64($0.1) ?? -1) }, uniquingKeysWith: { first, _ in first })
            #expect(received.allSatisfy { byRow[$0.object["id"] as? Int ?? -1] == $0.id })
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test(.timeLimit(.minutes(1))) func aSlotInvalidatedByMaxSlotWalKeepSizeIsMadeAnewAndSaysSo() async throws {
        var settings = PostgresCluster.logicalSettings
        settings["max_slot_wal_keep_size"] = "1MB"
        let cluster = try await PostgresCluster.start(settings: settings)
        defer { cluster.destroy() }
        try await LiveRelay.with(cluster: cluster, capture: .logical, setUp: todoTable + "CREATE TABLE filler (x text);") { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'before')")
            let seen = try await client.receiveEvent()
            // Hold the slot without reading it, as a stuck relay would, while WAL piles up.
            let slot = try #require(try live.database.query("SELECT slot_name FROM rohrpost.capture").first?.first ?? nil)
            let squatter = try await Self.takeSlot(slot, from: live)
            for _ in 1...4 {
                try live.database.execute("INSERT INTO filler SELECT repeat('x', 1000) FROM generate_series(1, 2000); SELECT pg_switch_wal();")
            }
            try live.database.execute("CHECKPOINT")
            let status = try live.database.query("SELECT wal_status FROM pg_replication_slots WHERE slot_name = $1", parameters: [slot])
            #expect(status.first?.first == "lost", "PostgreSQL invalidated the slot")
            _ = consume squatter
            // The relay makes the slot anew and events flow again.
            var after: ReceivedEvent?
            for n in 1...100 where after == nil {
                try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'after \(n)')")
                after = try? await client.receiveEvent(timeout: .milliseconds(300))
            }
            #expect(after != nil, "events flow again")
            let again = try await live.connect()
            let reply = try await again.request(
                #"{"id": 2, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": \#(seen.id)}}"#)
            #expect(reply.hasPrefix(#"{"id":2,"type":"subscribe","data":{"group":"collection-1","recovered":false,"position":"#), "\(reply)")
        }
    }

    /// Streams `slot` from a connection of the test's own, so the relay cannot.
    private static func takeSlot(_ slot: String, from live: LiveRelay) async throws -> ReplicationConnection {
        let squatter = try await ReplicationConnection.connect(connectionString: live.database.connectionString, applicationName: "squatter")
        for _ in 0..<100 {
            // The relay takes the slot back quickly: take it away again on every try.
            _ = try live.database.query(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1", parameters: [slot])
            if (try? await squatter.startReplication(slot: slot, from: .invalid, publication: "rohrpost_journal")) != nil { return squatter }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw LiveRelayError("the test could not take slot \(slot)")
    }

    @Test func serveRefusesLogicalCaptureWithoutWalLevelLogicalInOneLine() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        let error = await #expect(throws: PostgresError.self) {
            try await CaptureSwitch(connectionString: database.connectionString).switchTo(.logical, logger: testLogger)
        }
        #expect(error?.message == "logical capture needs wal_level = logical (it is replica): ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL")
        #expect(try database.query("SELECT mode FROM rohrpost.capture").first?.first == "trigger")
    }

    @Test func aLostSlotIsMadeAnewAndResumesAcrossTheGapAreNotRecovered() async throws {
        try await LiveRelay.with(capture: .logical, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'before')")
            let seen = try await client.receiveEvent()
            // The slot goes (dropped, as an invalidated one would be) while the relay streams it.
            try LiveRelay.dropSlot(of: live.database)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'in the gap')")
            // The relay makes the slot anew; what commits from then on arrives.
            var after: ReceivedEvent?
            for n in 1...100 where after == nil {
                try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'after \(n)')")
                after = try? await client.receiveEvent(timeout: .milliseconds(300))
            }
            let first = try #require(after, "events flow again after the slot was made anew")
            #expect((first.object["title"] as? String)?.hasPrefix("after") == true || first.object["title"] as? String == "in the gap")
            let again = try await live.connect()
            let reply = try await again.request(
                #"{"id": 2, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": \#(seen.id)}}"#)
            #expect(reply.hasPrefix(#"{"id":2,"type":"subscribe","data":{"group":"collection-1","recovered":false,"position":"#), "\(reply)")
        }
    }

    @Test func readyzFailsWhileTheSlotIsBehindTheBound() async throws {
        try await LiveRelay.with(capture: .logical, configure: { $0.capture.maximumLag = .seconds(1) }, setUp: todoTable) { live in
            try await Self.waitUntil { await Self.ready(live.port) }
            // Someone else holds the slot and confirms nothing: the relay cannot number.
            let slot = try #require(try live.database.query("SELECT slot_name FROM rohrpost.capture").first?.first ?? nil)
            let squatter = try await Self.takeSlot(slot, from: live)
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'late')")
            try await Self.waitUntil { await !Self.ready(live.port) }
            let readyz = try await PlainHTTP.get("/readyz", port: live.port)
            #expect(readyz.status == 503 && readyz.body.contains("the replication slot is"), "\(readyz.body)")
            _ = consume squatter
            // Back in the relay's hands, the event arrives and the relay is ready again.
            #expect(try await client.receiveEvent(timeout: .seconds(20)).object["title"] as? String == "late")
            try await Self.waitUntil { await Self.ready(live.port) }
        }
    }

    @Test(.timeLimit(.minutes(1))) func aRelayThatCannotHoldTheSlotRefusesToStartInOneLine() async throws {
        let database = try await Self.logicalDatabase()
        defer { try? LiveRelay.dropSlot(of: database) }
        let role = "app_\(UInt32.random(in: 1...UInt32.max))"
        try database.execute("CREATE ROLE \(role) LOGIN; GRANT USAGE ON SCHEMA rohrpost TO \(role); GRANT SELECT ON ALL TABLES IN SCHEMA rohrpost TO \(role)")
        let url = database.connectionString.replacingOccurrences(of: "user=postgres", with: "user=\(role)")
        let (status, output) = try Self.serveUntilExit(["--database-url", url])
        #expect(status != 0)
        #expect(output.contains("the database is in logical capture, but logical capture needs a role with REPLICATION: ALTER ROLE \(role) REPLICATION"), "\(output)")
    }

    @Test(.timeLimit(.minutes(1))) func serveCaptureTriggerOnADatabaseInLogicalCaptureRefusesInOneLine() async throws {
        let database = try await Self.logicalDatabase()
        defer { try? LiveRelay.dropSlot(of: database) }
        #expect(try await CaptureSwitch(connectionString: database.connectionString).currentMode() == .logical)
        let (status, output) = try Self.serveUntilExit(["--database-url", database.connectionString, "--capture", "trigger"])
        #expect(status != 0)
        #expect(output.contains("--capture trigger: the database is in logical capture; switch it back with `rohrpost-relay capture trigger`"), "\(output)")
        #expect(try database.query("SELECT mode FROM rohrpost.capture").first?.first == "logical", "nothing was switched")
    }

    /// Runs `rohrpost-relay serve --auth none --port 0` with `arguments` until it exits:
    /// its exit status and what it wrote to standard error.
    private static func serveUntilExit(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rohrpost-relay")
        let errors = NSTemporaryDirectory() + "relay-stderr-\(UUID().uuidString).log"
        defer { unlink(errors) }
        let status = try TestProcess([binary.path, "serve", "--auth", "none", "--port", "0"] + arguments, errors: errors).waitUntilExit()
        return (status, (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
    }

    private static func ready(_ port: Int) async -> Bool {
        (try? await PlainHTTP.get("/readyz", port: port).status) == 200
    }

    private static func waitUntil(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw LiveRelayError("timed out waiting") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
