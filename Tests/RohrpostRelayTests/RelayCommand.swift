import Foundation
import RelayTestSupport

/// The `rohrpost-relay` executable run as a child process with its output in files: for
/// tests of what a user sees on the terminal (error lines, the demo's banner, log lines).
final class RelayCommand {
    private let process: TestProcess
    private let arguments: [String]
    private let stdoutFile: URL
    private let stderrFile: URL

    /// The built executable next to the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rohrpost-relay")
    }

    /// Starts `rohrpost-relay arguments...` with only `environment` (and PATH) set.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw LiveRelayError("no rohrpost-relay executable at \(Self.binary.path): build it first (swift build)")
        }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("relay-command-\(UUID().uuidString)")
        stdoutFile = base.appendingPathExtension("out")
        stderrFile = base.appendingPathExtension("err")
        for file in [stdoutFile, stderrFile] {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw LiveRelayError("cannot create \(file.path)")
            }
        }
        self.arguments = arguments
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"].merging(environment) { $1 }
        process = try TestProcess(
            [Self.binary.path] + arguments, output: stdoutFile.path, errors: stderrFile.path, environment: environment)
    }

    /// Runs `rohrpost-relay arguments...` until it exits (at most `timeout`): its status
    /// and what it wrote to standard output and standard error.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(30)
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let command = try RelayCommand(arguments, environment: environment)
        let status = try await command.waitForExit(timeout: timeout)
        return (status, command.stdout, command.stderr)
    }

    /// What it wrote to standard output so far.
    var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }
    /// What it wrote to standard error so far.
    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Waits until standard output or error (`inErrors`) holds a match of `pattern`
    /// (a regular expression) and returns the match.
    func waitFor(_ pattern: String, inErrors: Bool = false, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let text = inErrors ? stderr : stdout
            if let range = text.range(of: pattern, options: .regularExpression) { return String(text[range]) }
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw LiveRelayError("no /\(pattern)/ from rohrpost-relay \(arguments):\n\(stdout)\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits up to `timeout` for the process to exit on its own; its exit status.
    func waitForExit(timeout: Duration) async throws -> Int32 {
        guard let status = try await process.waitForExit(timeout: timeout) else {
            throw LiveRelayError("rohrpost-relay \(arguments) still runs")
        }
        return status
    }

    /// SIGTERM, then waits for the exit: its status.
    @discardableResult
    func terminate() async throws -> Int32 {
        process.send(SIGTERM)
        return try await waitForExit(timeout: .seconds(20))
    }

    deinit {
        try? FileManager.default.removeItem(at: stdoutFile)
        try? FileManager.default.removeItem(at: stderrFile)
    }
}
