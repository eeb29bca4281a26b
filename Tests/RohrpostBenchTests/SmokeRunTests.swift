import Foundation
import Synchronization
import Testing

@testable import rohrpost_bench

/// A tiny run of the load generator against a relay it starts: proves the tool's whole
/// path (private PostgreSQL, relay process, clients, paced writes, counting) works.
@Suite(.serialized) struct SmokeRunTests {
    @Test func tinyFanOutArrivesWithoutLoss() async throws {
        let relayBinary = try #require(Self.builtProgram("rohrpost-relay"), "build rohrpost-relay first (swift build)")
        var scenario = try #require(Scenario.named["smoke"])
        scenario.targets = [.relay]
        let results = Results()
        let setup = ScenarioRunner.Setup(
            relayBinary: relayBinary, benchBinary: "", databaseURL: nil, attachPort: nil, maxPendingBytes: nil, clientThreads: 1)
        try await ScenarioRunner(scenario: scenario, setup: setup) { results.append($0) }.run()
        let result = try #require(results.all.first)
        #expect(result.clients == 20)
        #expect(result.rowsWritten == 200)
        #expect(result.framesExpected == 2000)
        #expect(result.missing == 0)
        #expect(result.duplicates == 0)
        #expect(result.outOfOrder == 0)
        #expect(result.unexpected == 0)
        #expect(result.framesReceived == 2000)
        #expect(result.latencyCount == 2000)
        // The journal holds the 200 events, and every client of each group got all of its group's.
        #expect(result.delivery == DeliveryCheck(journalEvents: 200, rowsWritten: 200, receivedByEveryClient: 200))
    }

    /// Past one process's open-file limit the clients run in several processes; with 8
    /// per process, 20 clients are 3 shards (this one and two children), counted as one run,
    /// against the blaster (itself a child process) and the relay alike.
    @Test func clientsSplitOverProcessesAreCountedAsOneRun() async throws {
        let relayBinary = try #require(Self.builtProgram("rohrpost-relay"), "build rohrpost-relay first (swift build)")
        let benchBinary = try #require(Self.builtProgram("rohrpost-bench"), "build rohrpost-bench first (swift build)")
        var scenario = try #require(Scenario.named["smoke"])
        scenario.targets = [.blaster, .relay]
        let results = Results()
        var setup = ScenarioRunner.Setup(
            relayBinary: relayBinary, benchBinary: benchBinary, databaseURL: nil, attachPort: nil, maxPendingBytes: nil,
            clientThreads: 1)
        setup.clientsPerProcess = 8
        let logsBefore = Self.benchLogs()
        try await ScenarioRunner(scenario: scenario, setup: setup) { results.append($0) }.run()
        // The relay's, the blaster's and the client shards' logs are gone with them.
        #expect(Self.benchLogs().subtracting(logsBefore).isEmpty, "left behind: \(Self.benchLogs().subtracting(logsBefore))")
        #expect(results.all.map(\.target) == ["blaster", "relay"])
        for result in results.all {
            #expect(result.clients == 20, "the children's clients are counted (\(result.target))")
            #expect(result.framesExpected == 2000)
            #expect(result.framesReceived == 2000, "and what they received (\(result.target))")
            #expect(result.missing == 0 && result.duplicates == 0 && result.outOfOrder == 0)
            #expect(result.latencyCount == 2000)
            #expect(result.target == "relay" ? result.delivery?.passed == true : result.delivery == nil)
        }
    }

    @Test func parsesTheRelaysEventShape() {
        let text = #"{"id":42,"type":"subscription-update","data":{"type":"create","group":"bench-3","object":{"id":7,"grp":3,"seq":17,"written_at_us":1700000000000001,"pad":""}}}"#
        let message = Array(text.utf8).withUnsafeBytes { ServerMessage.parse($0) }
        #expect(message == .event(id: 42, seq: 17, writtenAtMicros: 1_700_000_000_000_001))
        let reply = Array(#"{"id":1,"type":"subscribe","data":{"group":"bench-3"}}"#.utf8).withUnsafeBytes { ServerMessage.parse($0) }
        #expect(reply == .subscribed(id: 1, group: 3))
        let refused = Array(#"{"id":1,"type":"subscribe","error":"ACCESS_DENIED"}"#.utf8).withUnsafeBytes { ServerMessage.parse($0) }
        #expect(refused == .refused(id: 1))
    }

    /// The `rohrpost-bench-*.log` files in the temporary directory.
    static func benchLogs() -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []
        return Set(names.filter { $0.hasPrefix("rohrpost-bench-") && $0.hasSuffix(".log") })
    }

    /// A program built beside this test bundle (`.build/debug/<name>`).
    static func builtProgram(_ name: String) -> String? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}

/// Results handed out by the runner, collected for the test.
final class Results: Sendable {
    private let storage = Mutex<[StepResult]>([])
    func append(_ result: StepResult) { storage.withLock { $0.append(result) } }
    var all: [StepResult] { storage.withLock { $0 } }
}
