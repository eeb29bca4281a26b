import Foundation

/// Runs PostgreSQL's programs, as the `postgres` OS user when this process is root.
enum ServerProcess {
    private static var isRoot: Bool { geteuid() == 0 }

    /// Runs `program` to its end and returns what it printed; throws with that output on failure.
    ///
    /// Uses `posix_spawn` and `waitpid` rather than Foundation's `Process`, whose
    /// `waitUntilExit` can hang when the program leaves a daemon behind (as `pg_ctl start` does).
    @discardableResult
    static func run(_ program: String, _ arguments: [String], asServerUser: Bool = true) throws -> String {
        let argv = asServerUser && isRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] + arguments : [program] + arguments
        let outputPath = NSTemporaryDirectory() + "/rohrpost-process-\(getpid())-\(UUID().uuidString).log"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let spawned = withCStringArray(argv) { posix_spawn(&pid, argv[0], &actions, nil, $0, environ) }
        guard spawned == 0 else {
            throw PostgresError(.connectionFailed, "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        let exitCode = (status >> 8) & 0xff
        guard exited && exitCode == 0 else {
            let name = URL(fileURLWithPath: program).lastPathComponent
            throw PostgresError(.connectionFailed, "\(name) failed (status \(status)): \(output)")
        }
        return output
    }

    private static func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { copies.forEach { free($0) } }
        return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Hands `path` to the `postgres` user when running as root.
    static func giveToServerUser(_ path: String) throws {
        guard isRoot else { return }
        guard let user = getpwnam("postgres") else {
            throw PostgresError(.connectionFailed, "running as root needs a 'postgres' OS user to run PostgreSQL as")
        }
        guard chown(path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
            throw PostgresError(.connectionFailed, "cannot chown \(path) to postgres: errno \(errno)")
        }
    }

    /// Appends `text` to a file the server user owns.
    static func appendAsServerUser(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
