import Foundation

/// Runs programs (PostgreSQL's, and the relay itself in the load generator), as the
/// `postgres` OS user when asked and this process is root (PostgreSQL refuses to run as root).
///
/// Spawned with `posix_spawn` rather than Foundation's `Process`: that one learns of a
/// child's end through a descriptor the child inherits, which the server that `pg_ctl start`
/// leaves behind keeps open, so `waitUntilExit()` would never return.
public enum ServerProcess {
    /// `runuser -u postgres --` when we are root.
    static var asServerUser: [String] {
        geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
    }

    /// Runs `argv` to its end and returns what it printed; throws with that output on failure.
    @discardableResult
    public static func run(_ argv: [String]) throws -> String {
        let outputPath = NSTemporaryDirectory() + "rohrpost-process-\(UInt64.random(in: .min ... .max)).log"
        defer { unlink(outputPath) }
        let pid = try spawn(argv, output: outputPath)
        let status = exitStatus(of: pid, blocking: true)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let name = URL(fileURLWithPath: argv.first { !$0.hasPrefix("-") && !$0.hasSuffix("runuser") && $0 != "postgres" } ?? argv[0]).lastPathComponent
            throw PostgresError(.connectionFailed, "\(name) failed: \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return output
    }

    /// Reaps child `pid` once it has ended and returns its exit status (128 + the signal when
    /// a signal ended it); nil while it runs (only when not `blocking`), -1 when it is not
    /// a child of this process (any more).
    public static func exitStatus(of pid: pid_t, blocking: Bool) -> Int32? {
        var status: Int32 = 0
        var result: pid_t
        repeat {
            result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
        } while result == -1 && errno == EINTR
        guard result == pid else { return result == 0 ? nil : -1 }
        // WIFEXITED, WEXITSTATUS and WTERMSIG are macros Swift cannot import.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Starts `argv` with stdin from /dev/null, stdout and stderr to `output`, and no other
    /// descriptor of ours; returns its process id without waiting.
    ///
    /// With `pipes`, the child reads its stdin from `pipes.input` and writes its stdout to
    /// `pipes.output` (descriptors of this process, typically pipe ends); only its stderr
    /// goes to `output` then. With `errors`, stderr goes to that file instead. With
    /// `environment`, the child gets exactly those variables rather than ours.
    @discardableResult
    public static func spawn(
        _ argv: [String], output: String = "/dev/null", pipes: (input: Int32, output: Int32)? = nil,
        errors: String? = nil, environment: [String: String]? = nil
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let pipes {
            posix_spawn_file_actions_adddup2(&actions, pipes.input, 0)
            posix_spawn_file_actions_adddup2(&actions, pipes.output, 1)
            posix_spawn_file_actions_addopen(&actions, 2, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let errors {
            posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        _ = closeFrom?(&actions, 3)

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let cEnvironment = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { cEnvironment?.forEach { free($0) } }
        var pid = pid_t()
        let error =
            if var cEnvironment {
                posix_spawn(&pid, argv[0], &actions, nil, cArguments, &cEnvironment)
            } else {
                posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
            }
        guard error == 0 else {
            throw PostgresError(.connectionFailed, "cannot start \(argv[0]): \(String(cString: strerror(error)))")
        }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module hides
    /// behind `_GNU_SOURCE`.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np").map {
            unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }

    /// Hands `path` to the `postgres` user when running as root.
    static func giveToServerUser(_ path: String) throws {
        guard geteuid() == 0 else { return }
        guard let user = getpwnam("postgres") else {
            throw PostgresError(.connectionFailed, "running as root needs a 'postgres' OS user to run PostgreSQL as")
        }
        guard chown(path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
            throw PostgresError(.connectionFailed, "cannot chown \(path) to postgres: errno \(errno)")
        }
    }
}
