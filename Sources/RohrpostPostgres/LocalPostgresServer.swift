import Foundation

/// A private PostgreSQL server in a temporary directory, made from the local server
/// binaries: for `rohrpost-relay demo` and for tests.
///
/// When this process is root the server runs as the `postgres` OS user, and its directory
/// belongs to that user.
public final class LocalPostgresServer: Sendable {
    /// The TCP port on 127.0.0.1, kept across `stop()` and `start()`.
    public let port: Int
    /// The temporary directory holding the data directory, the socket and the log.
    public let directory: String
    /// The server's log file.
    public var logFile: String { directory + "/postgres.log" }
    private let binDirectory: String
    private let durable: Bool
    private let settings: [String: String]

    private var dataDirectory: String { directory + "/data" }
    private var pgCtl: String { binDirectory + "/pg_ctl" }

    /// Creates a new cluster (initdb) and starts it on a free port.
    ///
    /// - Parameters:
    ///   - durable: false turns off fsync and friends: fast, and a crash (or an
    ///     immediate stop) may lose the last half second of commits.
    ///   - settings: more server settings (`["wal_level": "logical"]`), kept across restarts.
    public static func create(durable: Bool = false, settings: [String: String] = [:]) throws -> LocalPostgresServer {
        let binDirectory = try findBinDirectory()
        let directory = try makeDirectory()
        try ServerProcess.run(ServerProcess.asServerUser + [
            binDirectory + "/initdb", "-D", directory + "/data", "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C", "--no-sync",
        ])
        var lastError: any Error = PostgresError(.connectionFailed, "cannot start a local PostgreSQL")
        // Another process may take the free port before PostgreSQL binds it; try a new one.
        for _ in 0..<5 {
            let server = LocalPostgresServer(
                port: try LoopbackPort.free(), directory: directory, binDirectory: binDirectory, durable: durable,
                settings: settings)
            do {
                try server.start()
                return server
            } catch {
                lastError = error
                let log = (try? String(contentsOfFile: server.logFile, encoding: .utf8)) ?? ""
                guard log.contains("Address already in use") else { break }
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw lastError
    }

    private init(port: Int, directory: String, binDirectory: String, durable: Bool, settings: [String: String]) {
        self.port = port
        self.directory = directory
        self.binDirectory = binDirectory
        self.durable = durable
        self.settings = settings
    }

    /// A libpq connection string for `database` on this server.
    public func connectionString(database: String = "postgres") -> String {
        "host=127.0.0.1 port=\(port) user=postgres dbname=\(database)"
    }

    /// Starts the server (again) and waits until it accepts connections.
    public func start() throws {
        // Settings go on the command line, so a restart keeps them.
        var options = "-h 127.0.0.1 -p \(port) -k \(directory) -c max_connections=300"
        if !durable {
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        }
        // pg_ctl hands the options to a shell, so each setting goes in single quotes.
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            options += " -c '" + (name + "=" + value).replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        }
        try ServerProcess.run(ServerProcess.asServerUser + [
            pgCtl, "start", "-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o", options,
        ])
    }

    /// Stops the server; `immediately` skips the shutdown checkpoint, as a crash would.
    public func stop(immediately: Bool = false) throws {
        try ServerProcess.run(ServerProcess.asServerUser + [
            pgCtl, "stop", "-D", dataDirectory, "-m", immediately ? "immediate" : "fast", "-w",
        ])
    }

    /// Stops the server if it runs and deletes its directory.
    public func destroy() {
        try? stop(immediately: true)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts a watchdog in a session of its own that destroys this server once process
    /// `pid` is gone, even when that process was killed and ran no exit handler.
    public func destroyWhenProcessExits(_ pid: pid_t = getpid()) throws {
        let script = "while kill -0 $1 2>/dev/null; do sleep 1; done; d=$2; shift 2; \"$@\"; rm -rf \"$d\""
        let stop = ServerProcess.asServerUser + [pgCtl, "stop", "-D", dataDirectory, "-m", "immediate"]
        try ServerProcess.spawn(["/usr/bin/setsid", "/bin/sh", "-c", script, "sh", "\(pid)", directory] + stop)
    }

    /// The folder of PostgreSQL's server programs (`initdb`, `pg_ctl`, `pgbench`).
    public static func findBinDirectory() throws -> String {
        let reported = (try? ServerProcess.run(["/usr/bin/env", "pg_config", "--bindir"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        for candidate in [reported, "/usr/lib/postgresql/15/bin"] where !candidate.isEmpty {
            if FileManager.default.isExecutableFile(atPath: candidate + "/initdb") { return candidate }
        }
        throw PostgresError(
            .connectionFailed,
            "cannot find PostgreSQL's server programs (initdb): install the postgresql package or set DATABASE_URL")
    }

    private static func makeDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "rohrpost-pg.XXXXXX").utf8CString)
        guard let pointer = mkdtemp(&template) else {
            throw PostgresError(.connectionFailed, "cannot create a temporary directory: errno \(errno)")
        }
        let directory = String(cString: pointer)
        try ServerProcess.giveToServerUser(directory)
        return directory
    }
}
