import Foundation
import NIOPosix
import Synchronization

/// Clusters to stop when the test process exits, by directory.
private let runningClusters = Mutex<[String: PostgresCluster]>([:])

extension PostgresCluster {
    /// Registers the exit hook once; `atexit` needs a function that captures nothing.
    private static let exitHook: Void = {
        atexit {
            for cluster in runningClusters.withLock({ Array($0.values) }) {
                cluster.destroy()
            }
        }
    }()

    /// Remembers a started cluster for the exit hook.
    static func register(_ cluster: PostgresCluster) {
        _ = Self.exitHook
        runningClusters.withLock { $0[cluster.directory] = cluster }
    }

    /// Forgets a destroyed cluster.
    static func unregister(_ cluster: PostgresCluster) {
        _ = runningClusters.withLock { $0.removeValue(forKey: cluster.directory) }
    }

    /// `pg_config --bindir`, or Debian's path for PostgreSQL 15 when pg_config is missing.
    static func findBinDirectory() -> String {
        let output = try? Self.run("/usr/bin/env", ["pg_config", "--bindir"], asPostgresUser: false)
        let path = output?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return path.isEmpty ? "/usr/lib/postgresql/15/bin" : path
    }

    /// A new temporary directory that the PostgreSQL programs may write to.
    static func makeDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "rohrpost-pg.XXXXXX").utf8CString)
        guard let pointer = mkdtemp(&template) else {
            throw TestSupportError(.postgresProgramFailed, "cannot create a temporary directory: errno \(errno)")
        }
        let directory = String(cString: pointer)
        // PostgreSQL refuses to run as root, so as root its files belong to the postgres user.
        if geteuid() == 0 {
            guard let user = getpwnam("postgres") else {
                throw TestSupportError(.postgresProgramFailed, "tests run as root but there is no 'postgres' user")
            }
            guard chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                throw TestSupportError(.postgresProgramFailed, "cannot chown \(directory): errno \(errno)")
            }
        }
        return directory
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module hides
    /// behind `_GNU_SOURCE`.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np").map {
            unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed).
    static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }
        return channel.localAddress!.port!
    }

    /// Runs a program to its end (as the postgres user when we are root) and returns its output.
    ///
    /// Spawned directly rather than with Foundation's `Process`: that one learns of the child's
    /// end through a socket the child inherits, which the postmaster that `pg_ctl start` leaves
    /// behind keeps open, so `waitUntilExit()` never returns.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], asPostgresUser: Bool = true) throws -> String {
        let outputPath = NSTemporaryDirectory() + "rohrpost-pg-output-\(UInt64.random(in: .min ... .max))"
        defer { unlink(outputPath) }
        let argv = (asPostgresUser ? Self.asPostgres : []) + [program] + arguments
        let pid = try Self.spawn(argv, output: outputPath)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED and WEXITSTATUS are macros Swift cannot import.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw TestSupportError(.postgresProgramFailed, "\(argv.joined(separator: " ")) failed: \(output)")
        }
        return output
    }

    /// Starts a process in a session of its own that stops this cluster once the test process is
    /// gone, for when it dies without running exit handlers (killed by a timeout, a crash).
    func startWatchdog() throws {
        let script = "while kill -0 $1 2>/dev/null; do sleep 1; done; d=$2; shift 2; \"$@\"; rm -rf \"$d\""
        let stop = Self.asPostgres + [self.binDirectory + "/pg_ctl", "stop", "-D", self.dataDirectory, "-m", "immediate"]
        _ = try Self.spawn(["/usr/bin/setsid", "/bin/sh", "-c", script, "sh", "\(getpid())", self.directory] + stop)
    }

    /// `runuser -u postgres --` when we are root, as PostgreSQL refuses to run as root.
    private static var asPostgres: [String] {
        geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
    }

    /// Spawns `argv` with stdin from /dev/null, stdout and stderr to `output`, and no other descriptor.
    private static func spawn(_ argv: [String], output: String = "/dev/null") throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        _ = Self.closeFrom?(&actions, 3)

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid = pid_t()
        let error = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard error == 0 else {
            throw TestSupportError(.postgresProgramFailed, "cannot start \(argv[0]): \(String(cString: strerror(error)))")
        }
        return pid
    }
}
