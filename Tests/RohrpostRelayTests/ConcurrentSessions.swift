import Foundation
import RelayTestSupport
import RohrpostPostgres

/// Writers that run at the same time, each on a session (and a thread) of its own, as an
/// application's connection pool would: the setting of the ordering and fault tests.
enum ConcurrentSessions {
    /// Runs `body(index, connection)` for `count` sessions of `database` at once; returns
    /// when every one has finished, and throws the first error any of them threw.
    static func run(
        _ count: Int, on database: TestDatabase,
        _ body: @escaping @Sendable (Int, PostgresConnection) throws -> Void
    ) async throws {
        let connectionString = database.connectionString
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await onDedicatedThread(name: "test-writer-\(index)") {
                        let connection = try PostgresConnection(connectionString: connectionString, applicationName: "test writer \(index)")
                        try body(index, connection)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Inserts rows `writer + 1`, `writer + 1 + writers`, ... up to `rows` into collection 1,
    /// one per transaction, from each of `writers` sessions; a statement that fails while
    /// PostgreSQL is down or the session was cut is tried again on a new session (the row's
    /// id keeps it from being written twice).
    static func insertThroughOutages(rows: Int, writers: Int, into database: TestDatabase) async throws {
        let connectionString = database.connectionString
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    try await onDedicatedThread(name: "test-writer-\(writer)") {
                        var connection: PostgresConnection?
                        for n in stride(from: writer + 1, through: rows, by: writers) {
                            let deadline = Date().addingTimeInterval(30)
                            while true {
                                do {
                                    if connection == nil || !connection!.isHealthy {
                                        connection = try PostgresConnection(
                                            connectionString: connectionString, applicationName: "test writer \(writer)")
                                    }
                                    try connection!.execute(
                                        "INSERT INTO todo (id, collection_id, title) VALUES (\(n), 1, 'w') ON CONFLICT (id) DO NOTHING")
                                    break
                                } catch {
                                    connection = nil
                                    guard Date() < deadline else { throw error }
                                    Thread.sleep(forTimeInterval: 0.05)
                                }
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Whether each writer's rows (as `insertThroughOutages` numbers them) come in the order
    /// it wrote them: a writer's next transaction began after its last one was acknowledged.
    static func eachWritersRowsInOrder(_ rows: [Int], writers: Int) -> Bool {
        (0..<writers).allSatisfy { writer in
            let mine = rows.filter { ($0 - 1) % writers == writer }
            return mine == mine.sorted()
        }
    }
}
