import Foundation
import RohrpostPostgres

/// What the clients connect to: a relay this tool started (with its own PostgreSQL unless
/// a database URL is given) or one already running.
final class RelayTarget: Sendable {
    let port: Int
    let databaseURL: String
    /// The relay process, when this tool started it (for its memory).
    let process: ChildProcess?
    private let postgres: LocalPostgresServer?

    private init(port: Int, databaseURL: String, process: ChildProcess?, postgres: LocalPostgresServer?) {
        self.port = port
        self.databaseURL = databaseURL
        self.process = process
        self.postgres = postgres
    }

    /// Attaches to a running relay on `port` whose database is `databaseURL`.
    static func attach(port: Int, databaseURL: String) throws -> RelayTarget {
        try BenchTable.install(connectionString: databaseURL)
        return RelayTarget(port: port, databaseURL: databaseURL, process: nil, postgres: nil)
    }

    /// Starts PostgreSQL (unless `databaseURL` is given), migrates, installs the table and starts `relayBinary`.
    static func start(relayBinary: String, databaseURL: String?, maxPendingBytes: Int?) throws -> RelayTarget {
        var postgres: LocalPostgresServer?
        let url: String
        if let databaseURL {
            url = databaseURL
        } else {
            let server = try LocalPostgresServer.create()
            try server.destroyWhenProcessExits()
            postgres = server
            url = server.connectionString()
        }
        do {
            try ChildProcess.run([relayBinary, "migrate", "--database-url", url, "--log-level", "warning"])
            try BenchTable.install(connectionString: url)
            let target = try startRelay(relayBinary: relayBinary, databaseURL: url, maxPendingBytes: maxPendingBytes, postgres: postgres)
            return target
        } catch {
            postgres?.destroy()
            throw error
        }
    }

    private static func startRelay(relayBinary: String, databaseURL: String, maxPendingBytes: Int?, postgres: LocalPostgresServer?) throws -> RelayTarget {
        let port = try freePort()
        // The clients come from a few addresses, send little, and runs outlast the idle timeout.
        var argv = [relayBinary, "serve", "--database-url", databaseURL, "--port", String(port), "--log-level", "warning", "--auth", "none",
            "--max-connections-per-address", "100000", "--messages-per-second", "100000", "--message-burst", "100000",
            "--idle-timeout", "0"]
        if let maxPendingBytes { argv += ["--max-pending-bytes", String(maxPendingBytes)] }
        let log = NSTemporaryDirectory() + "rohrpost-bench-relay-\(port).log"
        let process = try ChildProcess.start(argv, logFile: log)
        let target = RelayTarget(port: port, databaseURL: databaseURL, process: process, postgres: postgres)
        try target.waitUntilListening()
        // For attaching a profiler (perf record -p) to the relay under load.
        print("# relay pid \(process.pid), port \(port), log \(log) (removed at the end unless ROHRPOST_BENCH_KEEP_LOGS=1): \(argv.dropFirst().joined(separator: " "))")
        fflush(nil)
        return target
    }

    /// A new relay process on the same database (the old one stopped first).
    func restarted(relayBinary: String, maxPendingBytes: Int?) throws -> RelayTarget {
        process?.stop()
        return try Self.startRelay(relayBinary: relayBinary, databaseURL: databaseURL, maxPendingBytes: maxPendingBytes, postgres: postgres)
    }

    /// Waits (up to 30 s) until the relay accepts TCP and its LISTEN connection is up.
    private func waitUntilListening() throws {
        let connection = try PostgresConnection(connectionString: databaseURL, applicationName: "rohrpost-bench setup")
        for _ in 0..<300 {
            let rows = try connection.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rohrpost-relay listen'")
            if rows.first?.first == "1", Self.accepts(port: port) {
                // The listener reads the journal once before it counts as caught up.
                usleep(200_000)
                return
            }
            usleep(100_000)
        }
        throw BenchError("the relay did not start listening within 30 s: \(process?.logTail ?? "")")
    }

    /// The pending bytes the relay logged for each client it closed for not reading, oldest first.
    var slowClientCloses: [Int] {
        guard let file = process?.logFile, let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { $0.contains("stopped reading") }.compactMap { line in
            guard let range = line.range(of: "client.pendingBytes=") else { return nil }
            return Int(line[range.upperBound...].prefix(while: \.isNumber))
        }
    }

    /// Stops the relay and the PostgreSQL this tool started.
    func stop() {
        process?.stop()
        postgres?.destroy()
    }

    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// 127.0.0.1:`port`.
func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return address
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw BenchError("cannot create a socket: errno \(errno)") }
    defer { close(descriptor) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
        }
    }
    guard bound else { throw BenchError("cannot find a free port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}
