import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Synchronization
import Testing

/// A database in an older trigger capture moves to the current one while writers run: from
/// positions at commit under `rohrpost.commit_lock` (releases 1 to 8, as shipped) and from
/// tickets at commit (release 9) to stamped journal rows (11 on). Every event written before, during and
/// after the migration reaches a relay's client once.
@Suite(.serialized) struct TriggerCaptureUpgradeTests {
    /// The releases a database upgrades from: the last one with the lock at commit, the
    /// one with tickets at commit, and the last release (whose row triggers numbered each
    /// INSERT and DELETE as they ran, where the current statement triggers' rows claim
    /// their numbers as they are written).
    enum Upgrade: String, CaseIterable, CustomTestStringConvertible {
        case fromCommitLock, fromTickets, fromRelease13
        var release: Int {
            switch self {
            case .fromCommitLock: 8
            case .fromTickets: 9
            case .fromRelease13: 13
            }
        }
        var testDescription: String { rawValue }
    }

    /// Brings the database to this release, as `rohrpost-relay migrate` does.
    static func migrate(_ connectionString: String) throws {
        let connection = try PostgresConnection(connectionString: connectionString, applicationName: "test migrate")
        try Migrator(logger: Logger(label: "test")).apply(on: connection)
    }

    /// A database of the shared cluster in an older trigger capture, with the todo table watched.
    static func oldDatabase(_ upgrade: Upgrade) async throws -> TestDatabase {
        let database = try await PostgresCluster.shared().makeDatabase()
        try ReleasedSQL.install(release: upgrade.release, on: database)
        try database.execute(todoTable)
        return database
    }

    @Test(.timeLimit(.minutes(1)), arguments: Upgrade.allCases)
    func migratingWhileWritersRunDeliversEveryEventWrittenBeforeDuringAndAfterOnce(upgrade: Upgrade) async throws {
        let database = try await Self.oldDatabase(upgrade)
        let writers = 4
        let stop = StopSignal()
        let connectionString = database.connectionString
        let writing = Task {
            try await ConcurrentSessions.run(writers, on: database) { writer, connection in
                var n = writer + 1
                while !stop.isSet {
                    // Each writer's every other transaction also sends a message (no table lock).
                    let send = n % (2 * writers) == writer + 1 ? "SELECT rohrpost.send('elsewhere', 'note', '{}'); " : ""
                    try connection.execute("BEGIN; \(send)INSERT INTO todo (id, collection_id, title) VALUES (\(n), 1, 'w'); COMMIT")
                    n += writers
                }
            }
        }
        func rows() throws -> Int { (try database.query("SELECT count(*) FROM todo").first?.first ?? nil).flatMap { Int($0) } ?? 0 }
        // Writers number the old way for a while, then the migration runs among them. (Old
        // relays run no sequencer for the ticket release here: its events wait for this one.)
        let started = ContinuousClock.now
        while try rows() == 0, ContinuousClock.now - started < .seconds(10) {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(300))
        let beforeMigration = try rows()
        try await onDedicatedThread { try Self.migrate(connectionString) }
        let afterMigration = try rows()
        try await Task.sleep(for: .milliseconds(300))
        try await LiveRelay.with(database: database, configure: { $0.journal.maximumResumeEvents = 100_000 }) { live in
            let client = try await live.connect()
            let reply = try await client.request(#"{"id": 1, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": 0}}"#)
            #expect(reply.contains(#""recovered":true"#), "\(reply)")
            let relayStarted = try rows()
            try await Task.sleep(for: .milliseconds(300))
            stop.set()
            try await writing.value
            let total = try rows()
            #expect(beforeMigration > 0 && total > relayStarted, "rows before the migration: \(beforeMigration), after it: \(afterMigration), at the relay's start: \(relayStarted), in all: \(total)")
            try await live.waitUntilNumbered(timeout: .seconds(20))
            var events: [ReceivedEvent] = []
            while events.count < total {
                guard let event = try? await client.receiveEvent(timeout: .seconds(5)) else { break }
                events.append(event)
            }
            let ids = events.map { $0.object["id"] as? Int ?? -1 }
            let written = try live.database.query("SELECT id FROM todo").compactMap { $0.first?.flatMap { Int($0) } }
            let missing = Set(written).subtracting(ids).sorted()
            #expect(missing.isEmpty, "\(missing.count) of \(total) rows never arrived: \(missing.prefix(20))")
            #expect(ids.count == Set(ids).count, "every row once")
            #expect(events.idsIncrease, "ids strictly increase")
            #expect(ConcurrentSessions.eachWritersRowsInOrder(ids, writers: writers), "each writer's rows in the order it wrote them")
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    /// A transaction that took its positions (or ticket) under the old capture (SET
    /// CONSTRAINTS ALL IMMEDIATE, as a later deferred trigger would) and writes again while
    /// the migration runs: its later events join its earlier ones, in its block.
    @Test(.timeLimit(.minutes(1)), arguments: Upgrade.allCases)
    func aTransactionThatTookPositionsBeforeTheMigrationAndWritesAgainLosesNothing(upgrade: Upgrade) async throws {
        let database = try await Self.oldDatabase(upgrade)
        let straddling = try PostgresConnection(connectionString: database.connectionString, applicationName: "straddling writer")
        try straddling.execute("BEGIN; SET CONSTRAINTS ALL IMMEDIATE; INSERT INTO todo (collection_id, title) VALUES (1, 'before the migration')")
        let connectionString = database.connectionString
        // 0010 and 0011 wait for the writers of the journal and watched tables; 0009 does not.
        let migrating = Task { try await onDedicatedThread { try Self.migrate(connectionString) } }
        try await Task.sleep(for: .milliseconds(300))
        try straddling.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'after the migration'); COMMIT")
        try await migrating.value
        try database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'next transaction')")
        try await LiveRelay.with(database: database) { live in
            let client = try await live.connect()
            _ = try await client.request(#"{"id": 1, "type": "subscribe", "data": {"type": "collection", "id": 1, "since": 0}}"#)
            var titles: [String] = []
            while titles.count < 3, let event = try? await client.receiveEvent(timeout: .seconds(3)) {
                titles.append(event.object["title"] as? String ?? "?")
            }
            #expect(titles == ["before the migration", "after the migration", "next transaction"])
            let journal = try live.database.query(
                "SELECT j.seq::text, c.event_count::text FROM rohrpost.journal j LEFT JOIN rohrpost.commits c USING (xid) WHERE j.object->>'title' = 'after the migration'")
            #expect(journal.first?[0] == "2" && journal.first?[1] == "2", "the straddling transaction's second event is inside its block (journal seq, commits.event_count): \(journal)")
        }
    }
}

/// A flag the test raises to stop writers that run until told.
final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Whether the test said stop.
    var isSet: Bool { flag.load(ordering: .acquiring) }
    /// Tells the writers to stop.
    func set() { flag.store(true, ordering: .releasing) }
}
