import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostServer
import Testing

@testable import RohrpostRelay

/// A resume's backlog from the journal must reach what the connection's loop delivered
/// before it joined: a crash can undo logical capture's last numbering after the loop
/// delivered it, and the replayed stream numbers it again with the same ids.
@Suite struct JournalBacklogTests {
    @Test func aBacklogWaitsForTheIdsTheLoopDeliveredBeforeTheJoinAndIsCompleteOnceTheJournalHoldsThem() async throws {
        let (database, pool) = try await Self.journal(numberedRows: 1)
        defer { pool.shutdown() }
        let source = JournalBacklog(pool: pool, maximumEvents: 100, aheadWait: .seconds(10), logger: Logger(label: "test"))
        // The loop had delivered position 3; the journal holds only 1 (2 and 3 undone).
        let reading = Task { await source.backlog(for: "collection-1", after: 0, through: 3) }
        try await Task.sleep(for: .milliseconds(300))
        try database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'again 2'), (1, 'again 3')")
        try database.sequence()
        guard case .complete(let messages) = await reading.value else {
            Issue.record("the backlog was not complete once the journal held position 3")
            return
        }
        #expect(messages.map(\.position) == [1, 2, 3])
    }

    @Test func aBacklogThatNeverReachesWhatTheLoopDeliveredIsIncomplete() async throws {
        let (_, pool) = try await Self.journal(numberedRows: 1)
        defer { pool.shutdown() }
        let source = JournalBacklog(pool: pool, maximumEvents: 100, aheadWait: .milliseconds(300), logger: Logger(label: "test"))
        guard case .incomplete = await source.backlog(for: "collection-1", after: 0, through: 3) else {
            Issue.record("a backlog short of what the loop delivered said it was complete")
            return
        }
        guard case .complete(let messages) = await source.backlog(for: "collection-1", after: 0, through: 1) else {
            Issue.record("a backlog that reaches what the loop delivered was not complete")
            return
        }
        #expect(messages.map(\.position) == [1])
    }

    /// A migrated database with the todo table watched and `numberedRows` rows of
    /// collection 1 numbered, and a query pool on it.
    static func journal(numberedRows: Int) async throws -> (TestDatabase, QueryPool) {
        let database = try await PostgresCluster.shared().makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        try database.execute(todoTable)
        for n in 0..<numberedRows {
            try database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'row \(n + 1)')")
        }
        try database.sequence()
        return (database, QueryPool(connectionString: database.connectionString, size: 1, logger: Logger(label: "test")))
    }
}
