import Foundation
import RohrpostPostgres
import Synchronization

/// A throwaway PostgreSQL cluster on a random port of 127.0.0.1, in a temporary directory.
///
/// Most tests use `shared()` and a database of their own from `makeDatabase()`. A test that
/// stops or restarts PostgreSQL starts a private cluster with `start()` and calls `destroy()`.
/// Clusters still running when the test process exits are stopped and removed then.
public final class PostgresCluster: Sendable {
    /// The TCP port on 127.0.0.1, kept across `stop()` and `start()`.
    public var port: Int { server.port }
    /// The temporary directory holding the data directory, the socket and the log.
    public var directory: String { server.directory }
    /// The server log; print it when a test fails for reasons PostgreSQL may explain.
    public var logFile: String { server.logFile }

    private let server: LocalPostgresServer
    private static let sharedCluster = Mutex<Task<PostgresCluster, any Error>?>(nil)
    private static let sharedLogicalCluster = Mutex<Task<PostgresCluster, any Error>?>(nil)

    /// What logical capture needs: `wal_level = logical`, and room for a slot per test database.
    public static let logicalSettings = [
        "wal_level": "logical", "max_replication_slots": "64", "max_wal_senders": "64",
    ]

    private init(server: LocalPostgresServer) {
        self.server = server
    }

    /// The cluster shared by all tests of this process, started by the first caller.
    public static func shared() async throws -> PostgresCluster {
        let task = Self.sharedCluster.withLock { task in
            if let task { return task }
            let started = Task { try await PostgresCluster.start() }
            task = started
            return started
        }
        return try await task.value
    }

    /// The cluster with `wal_level = logical` shared by the tests of logical capture.
    public static func sharedLogical() async throws -> PostgresCluster {
        let task = Self.sharedLogicalCluster.withLock { task in
            if let task { return task }
            let started = Task { try await PostgresCluster.start(settings: logicalSettings) }
            task = started
            return started
        }
        return try await task.value
    }

    /// Creates and starts a private cluster; the caller should `destroy()` it.
    ///
    /// - Parameter settings: more server settings, e.g. `["wal_level": "logical"]`.
    public static func start(settings: [String: String] = [:]) async throws -> PostgresCluster {
        try await onDedicatedThread {
            let cluster = PostgresCluster(server: try LocalPostgresServer.create(settings: settings))
            Self.register(cluster)
            try? cluster.server.destroyWhenProcessExits()
            return cluster
        }
    }

    /// Starts this cluster again after `stop()`, on the same port and with the same data.
    public func start() async throws {
        try await onDedicatedThread { try self.server.start() }
    }

    /// Stops the server; `immediately` stops it as a crash would, which (with `synchronous_commit`
    /// off) may lose the transactions of the last half second.
    public func stop(immediately: Bool = false) async throws {
        try await onDedicatedThread { try self.server.stop(immediately: immediately) }
    }

    /// Stops the server if it runs and removes its directory; for private clusters.
    public func destroy() {
        server.destroy()
        Self.unregister(self)
    }

    /// Creates a database with a unique name (`test_…`) for one test.
    public func makeDatabase() async throws -> TestDatabase {
        let name = "test_" + String(UInt64.random(in: .min ... .max), radix: 36)
        _ = try await self.withAdminConnection { try $0.execute("CREATE DATABASE \(name)") }
        return TestDatabase(name: name, connectionString: server.connectionString(database: name))
    }

    /// Ends the backends of `database` and/or `applicationName` (all other ones when both are nil)
    /// and waits until they are gone; returns how many there were.
    @discardableResult
    public func terminateBackends(database: String? = nil, applicationName: String? = nil) async throws -> Int {
        let rows = try await self.withAdminConnection { connection in
            try connection.query(
                """
                SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
                WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'
                  AND ($1::text IS NULL OR datname = $1) AND ($2::text IS NULL OR application_name = $2)
                """,
                [database, applicationName]
            )
        }
        return Int(rows.first?.first.flatMap { $0 } ?? "0") ?? 0
    }

    /// The server log so far, for a failing test to print.
    public func log() -> String {
        (try? String(contentsOfFile: self.logFile, encoding: .utf8)) ?? "(no log at \(self.logFile))"
    }

    /// Runs `body` with a connection to the `postgres` database, off the cooperative pool.
    private func withAdminConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let connectionString = server.connectionString()
        return try await onDedicatedThread {
            try body(try PostgresConnection(connectionString: connectionString, applicationName: TestDatabase.applicationName))
        }
    }
}
