import Foundation
import RohrpostPostgres

/// A program this tool started: the relay, the frame blaster, a client shard. Stopped by
/// its process id.
final class ChildProcess: Sendable {
    let pid: pid_t
    let logFile: String

    private init(pid: pid_t, logFile: String) {
        self.pid = pid
        self.logFile = logFile
    }

    /// Starts `argv` with stdout and stderr going to `logFile`; with `pipes`, stdin and
    /// stdout are those descriptors and only stderr goes to `logFile`.
    static func start(_ argv: [String], logFile: String, pipes: (input: Int32, output: Int32)? = nil) throws -> ChildProcess {
        ChildProcess(pid: try ServerProcess.spawn(argv, output: logFile, pipes: pipes), logFile: logFile)
    }

    /// Runs `argv` to its end; throws with its output when it fails.
    static func run(_ argv: [String]) throws {
        try ServerProcess.run(argv)
    }

    /// Waits for the end; returns the exit status (128 + the signal when killed).
    @discardableResult
    func wait() -> Int32 {
        ServerProcess.exitStatus(of: pid, blocking: true) ?? -1
    }

    /// Sends SIGTERM and waits up to `seconds`, then SIGKILL; then removes the log (an
    /// error that needed it has quoted its tail already) unless `ROHRPOST_BENCH_KEEP_LOGS`
    /// is set, so runs and test runs leave no files behind.
    func stop(seconds: Double = 10) {
        defer { removeLog() }
        kill(pid, SIGTERM)
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            if ServerProcess.exitStatus(of: pid, blocking: false) != nil { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        _ = wait()
    }

    private func removeLog() {
        guard (ProcessInfo.processInfo.environment["ROHRPOST_BENCH_KEEP_LOGS"] ?? "").isEmpty else { return }
        try? FileManager.default.removeItem(atPath: logFile)
    }

    /// Resident memory in KiB (`VmRSS` of /proc/<pid>/status), or nil.
    var residentKiB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    /// The last lines of the log, for error messages.
    var logTail: String {
        let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(5).joined(separator: "\n")
    }
}
