import Foundation
import NIOPosix
import Synchronization

/// A throwaway PostgreSQL cluster on a random port of 127.0.0.1, in a temporary directory.
///
/// Most tests use `shared()` and a database of their own from `makeDatabase()`. A test that
/// stops or restarts PostgreSQL starts a private cluster with `start()` and calls `destroy()`.
/// Clusters still running when the test process exits are stopped and removed then.
public final class PostgresCluster: Sendable {
    /// The TCP port on 127.0.0.1, kept across `stop()` and `start()`.
    public let port: Int
    /// The temporary directory holding the data directory, the socket and the log.
    public let directory: String
    /// The server log; print it when a test fails for reasons PostgreSQL may explain.
    public let logFile: String
    let binDirectory: String
    var dataDirectory: String { self.directory + "/data" }

    private static let sharedCluster = Mutex<Task<PostgresCluster, any Error>?>(nil)

    private init(port: Int, directory: String, binDirectory: String) {
        self.port = port
        self.directory = directory
        self.logFile = directory + "/postgres.log"
        self.binDirectory = binDirectory
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

    /// Creates and starts a private cluster; the caller should `destroy()` it.
    public static func start() async throws -> PostgresCluster {
        try await NIOThreadPool.singleton.runIfActive {
            let directory = try Self.makeDirectory()
            let binDirectory = Self.findBinDirectory()
            try Self.run(
                binDirectory + "/initdb",
                ["-D", directory + "/data", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]
            )
            // Another process may take the free port before PostgreSQL binds it; try a new one.
            var lastError: (any Error)?
            for _ in 0..<5 {
                let cluster = PostgresCluster(port: try Self.freePort(), directory: directory, binDirectory: binDirectory)
                do {
                    try cluster.startServer()
                    Self.register(cluster)
                    try? cluster.startWatchdog()
                    return cluster
                } catch {
                    lastError = error
                    let log = (try? String(contentsOfFile: cluster.logFile, encoding: .utf8)) ?? ""
                    guard log.contains("Address already in use") else { break }
                }
            }
            try? FileManager.default.removeItem(atPath: directory)
            throw lastError!
        }
    }

    /// Starts this cluster again after `stop()`, on the same port and with the same data.
    public func start() async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.startServer() }
    }

    /// Stops the server; `immediately` stops it as a crash would, which (with `synchronous_commit`
    /// off) may lose the transactions of the last half second.
    public func stop(immediately: Bool = false) async throws {
        try await NIOThreadPool.singleton.runIfActive {
            _ = try Self.run(self.pgCtl, ["stop", "-D", self.dataDirectory, "-m", immediately ? "immediate" : "fast", "-w"])
        }
    }

    /// Stops the server if it runs and removes its directory; for private clusters.
    public func destroy() {
        _ = try? Self.run(self.pgCtl, ["stop", "-D", self.dataDirectory, "-m", "immediate", "-w"])
        try? FileManager.default.removeItem(atPath: self.directory)
        Self.unregister(self)
    }

    /// Creates a database with a unique name (`test_…`) for one test.
    public func makeDatabase() async throws -> TestDatabase {
        let name = "test_" + String(UInt64.random(in: .min ... .max), radix: 36)
        _ = try await self.withAdminConnection { try $0.query("CREATE DATABASE \(name)", parameters: []) }
        return TestDatabase(name: name, port: self.port)
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
                parameters: [database, applicationName]
            )
        }
        return Int(rows.first?.first.flatMap { $0 } ?? "0") ?? 0
    }

    /// The server log so far, for a failing test to print.
    public func log() -> String {
        (try? String(contentsOfFile: self.logFile, encoding: .utf8)) ?? "(no log at \(self.logFile))"
    }

    private var pgCtl: String { self.binDirectory + "/pg_ctl" }

    private func startServer() throws {
        // Durability is worth nothing in a cluster that lives for one test run.
        let options = "-h 127.0.0.1 -p \(self.port) -k \(self.directory) -c max_connections=200"
            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        try Self.run(self.pgCtl, ["start", "-D", self.dataDirectory, "-l", self.logFile, "-w", "-t", "60", "-o", options])
    }

    /// Runs `body` with a connection to the `postgres` database, off the cooperative pool.
    private func withAdminConnection<T: Sendable>(
        _ body: @escaping @Sendable (LibPQConnection) throws -> T
    ) async throws -> T {
        let connectionString = "host=127.0.0.1 port=\(self.port) dbname=postgres user=postgres"
        return try await NIOThreadPool.singleton.runIfActive {
            try body(try LibPQConnection(connectionString))
        }
    }
}
