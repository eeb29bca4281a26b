import Foundation
import RelayTestSupport

/// The `rohrpost-relay` executable run as a child process, for tests that kill it the
/// way an operator or the kernel would (SIGKILL), which no in-process relay can show.
final class RelayProcess {
    let port: Int
    private let process: TestProcess

    /// Starts `rohrpost-relay serve` on `port` against `databaseURL`, with `arguments`
    /// added, and waits until a WebSocket client can connect.
    init(databaseURL: String, port: Int, arguments: [String] = []) async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("rohrpost-relay")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw LiveRelayError("no rohrpost-relay executable at \(binary.path): build it first (swift build)")
        }
        self.port = port
        process = try TestProcess(
            [binary.path, "serve", "--database-url", databaseURL, "--port", String(port), "--log-level", "warning", "--auth", "none"]
                + arguments, output: "/dev/stderr")
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let client = try? await WebSocketTestClient.connect(port: port) {
                try? await client.close()
                // Whoever answered must be this process, not another server on the port.
                guard process.isRunning else { break }
                return
            }
            guard ContinuousClock.now < deadline, process.isRunning else {
                throw LiveRelayError("rohrpost-relay did not start serving on port \(port)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LiveRelayError(
            "rohrpost-relay exited with status \(process.exitStatus ?? -1) instead of serving on port \(port)")
    }

    /// Ends the relay with SIGKILL: no close frames, no cleanup.
    func kill() {
        process.send(SIGKILL)
        process.waitUntilExit()
    }

    /// Sends SIGTERM, as an operator or Kubernetes would, and waits up to `timeout` for the
    /// process to exit; returns its exit status, or nil if it still runs.
    func terminate(timeout: Duration) async throws -> Int32? {
        process.send(SIGTERM)
        return try await process.waitForExit(timeout: timeout)
    }
}
