import Foundation
import RelayTestSupport

/// The `rohrpost-relay` executable run as a child process, for tests that kill it the
/// way an operator or the kernel would (SIGKILL), which no in-process relay can show.
final class RelayProcess {
    let port: Int
    private let process: Process

    /// Starts `rohrpost-relay serve` on `port` against `databaseURL` and waits until a
    /// WebSocket client can connect.
    init(databaseURL: String, port: Int) async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("rohrpost-relay")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw LiveRelayError("no rohrpost-relay executable at \(binary.path): build it first (swift build)")
        }
        self.port = port
        process = Process()
        process.executableURL = binary
        process.arguments = [
            "serve", "--database-url", databaseURL, "--port", String(port), "--log-level", "warning", "--auth", "none",
        ]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            if let client = try? await WebSocketTestClient.connect(port: port) {
                try? await client.close()
                return
            }
            guard ContinuousClock.now < deadline, process.isRunning else {
                throw LiveRelayError("rohrpost-relay did not start serving on port \(port)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Ends the relay with SIGKILL: no close frames, no cleanup.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
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
        guard bound else { throw LiveRelayError("no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
