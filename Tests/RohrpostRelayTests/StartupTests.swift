import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// What `rohrpost-relay serve` does for itself at start-up, seen from outside the process.
@Suite struct StartupTests {
    /// Every client is a file descriptor: started with a low soft limit, the relay raises it
    /// to the hard limit and logs how many clients that leaves room for.
    @Test func serveRaisesItsOpenFileLimitToTheHardLimitAndLogsIt() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        var limits = rlimit()
        try #require(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0)
        let hard = Int(limits.rlim_max)
        try #require(hard > 256, "the hard limit must leave room to start lower")

        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("rohrpost-relay").path
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("relay-startup-\(UUID().uuidString).log")
        try #require(FileManager.default.createFile(atPath: log.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: log) }
        let process = try TestProcess(
            [
                "/bin/bash", "-c", #"ulimit -Sn 256 && exec "$0" serve --database-url "$1" --port "$2" --auth none --log-level info"#,
                binary, database.connectionString, String(try LoopbackPort.free()),
            ], output: log.path)

        let deadline = ContinuousClock.now + .seconds(15)
        var text = ""
        while !text.contains("limit.current="), ContinuousClock.now < deadline, process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        #expect(text.contains("limit.previous=256"), "started with the lowered soft limit: \(text)")
        #expect(text.contains("limit.current=\(hard)"), "raised to the hard limit \(hard): \(text)")
        #expect(text.contains("room for"), "says how many clients fit: \(text)")
    }
}
