import Foundation
import RohrpostPostgres
import Synchronization

/// A program a test runs as a child (the relay, psql, openssl, chromium), started with
/// `posix_spawn`.
///
/// Not Foundation's `Process`: its `run()` lists /proc/self/fd by copying whole `dirent`
/// names, which now and then reads past the end of the listing and crashes the test process
/// (SIGSEGV in `findMaximumOpenFromProcSelfFD`) when it holds many descriptors, as a test
/// process full of relays and sockets does.
public final class TestProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    private let exit = Mutex<Int32?>(nil)

    /// Starts `argv` (`argv[0]` a path) with stdin from /dev/null, stdout to `output` and
    /// stderr to `errors` (default: `output` too); with `environment`, only those variables.
    public init(
        _ argv: [String], output: String = "/dev/null", errors: String? = nil, environment: [String: String]? = nil
    ) throws {
        pid = try ServerProcess.spawn(argv, output: output, errors: errors, environment: environment)
    }

    /// Whether the child still runs (it is reaped once it ended).
    public var isRunning: Bool {
        exit.withLock { exit in
            if exit == nil { exit = ServerProcess.exitStatus(of: pid, blocking: false) }
            return exit == nil
        }
    }

    /// The exit status once it ended (128 + the signal when a signal ended it), else nil.
    public var exitStatus: Int32? {
        _ = isRunning
        return exit.withLock { $0 }
    }

    /// Sends `signal` unless the child has ended.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits until the child ends, polling; its exit status, or nil after `timeout`.
    public func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        return exitStatus
    }

    /// Blocks until the child ends; its exit status.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        exit.withLock { exit in
            let status = exit ?? ServerProcess.exitStatus(of: pid, blocking: true) ?? -1
            exit = status
            return status
        }
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            waitUntilExit()
        }
    }
}
