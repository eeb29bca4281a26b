import Foundation

/// A private PostgreSQL server in a temporary directory, made from the local server
/// binaries: for `rohrpost-relay demo` and for tests.
///
/// PostgreSQL refuses to run as root, so when this process is root the server runs as the
/// `postgres` OS user (through `runuser`) and its directory belongs to that user.
public final class LocalPostgresServer: Sendable {
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The temporary directory holding the data directory, socket and log.
    public let directory: String
    private let binDirectory: String

    private var dataDirectory: String { directory + "/data" }
    /// The server's log file.
    public var logFile: String { directory + "/postgres.log" }

    /// Creates a new cluster (initdb) and starts it on a free port.
    ///
    /// - Parameter durable: false turns off fsync and friends: fast, and lost on a crash.
    public static func start(durable: Bool = false) throws -> LocalPostgresServer {
        let binDirectory = try findBinDirectory()
        let directory = try makeDirectory()
        try ServerProcess.run(binDirectory + "/initdb", [
            "-D", directory + "/data", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync",
        ])
        var settings = ["listen_addresses": "'127.0.0.1'", "unix_socket_directories": "'\(directory)'", "max_connections": "300"]
        if !durable {
            settings.merge(["fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"]) { $1 }
        }
        let conf = settings.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)\n" }.joined()
        let confPath = directory + "/data/postgresql.auto.conf"
        try ServerProcess.appendAsServerUser(conf, to: confPath)
        for _ in 0..<5 {
            let server = LocalPostgresServer(port: try freePort(), directory: directory, binDirectory: binDirectory)
            do {
                try server.start()
                return server
            } catch {
                continue  // the port was taken meanwhile; try another
            }
        }
        throw PostgresError(.connectionFailed, "cannot start a local PostgreSQL; see \(directory)/postgres.log")
    }

    private init(port: Int, directory: String, binDirectory: String) {
        self.port = port
        self.directory = directory
        self.binDirectory = binDirectory
    }

    /// A libpq connection string for `database` on this server.
    public func connectionString(database: String = "postgres") -> String {
        "host=127.0.0.1 port=\(port) user=postgres dbname=\(database)"
    }

    /// Starts the server (again) on its port and waits until it accepts connections.
    public func start() throws {
        try ServerProcess.run(binDirectory + "/pg_ctl", [
            "-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o", "-p \(port)", "start",
        ])
    }

    /// Stops the server; `immediately` skips the shutdown checkpoint, like a crash.
    public func stop(immediately: Bool = false) throws {
        try ServerProcess.run(binDirectory + "/pg_ctl", [
            "-D", dataDirectory, "-w", "-t", "60", "-m", immediately ? "immediate" : "fast", "stop",
        ])
    }

    /// Stops the server if it runs and deletes its directory.
    public func destroy() {
        try? stop(immediately: true)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Ends the server at once with a signal, without starting any program: safe in an
    /// `atexit` handler, where Foundation's `Process` can hang.
    public func killImmediately() {
        let pidFile = dataDirectory + "/postmaster.pid"
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let line = text.split(separator: "\n").first, let pid = pid_t(line)
        {
            kill(pid, SIGQUIT)
        }
    }

    private static func findBinDirectory() throws -> String {
        let reported = (try? ServerProcess.run("/usr/bin/env", ["pg_config", "--bindir"], asServerUser: false))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        for candidate in [reported, "/usr/lib/postgresql/15/bin"] where !candidate.isEmpty {
            if FileManager.default.isExecutableFile(atPath: candidate + "/initdb") { return candidate }
        }
        throw PostgresError(
            .connectionFailed,
            "cannot find PostgreSQL's server programs (initdb): install the postgresql package or set DATABASE_URL")
    }

    private static func makeDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/rohrpost-pg.XXXXXX").utf8CString)
        guard let pointer = mkdtemp(&template) else {
            throw PostgresError(.connectionFailed, "cannot create a temporary directory: errno \(errno)")
        }
        let directory = String(cString: pointer)
        try ServerProcess.giveToServerUser(directory)
        return directory
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PostgresError(.connectionFailed, "cannot create a socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw PostgresError(.connectionFailed, "cannot find a free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
