import ArgumentParser
import Foundation
import NIOCore
import RohrpostServer
import Synchronization

/// `rohrpost-bench run`: one scenario, printed as a table and one JSON line per step.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario (\(Scenario.named.keys.sorted().joined(separator: ", "))) against the relay and/or the frame blaster.")

    @Option(help: "Named scenario; the other options override its settings.")
    var scenario = "smoke"

    @Option(help: "Comma-separated: relay, blaster. Defaults to the scenario's.")
    var target: String?

    @Option(help: "WebSocket clients.") var clients: Int?
    @Option(help: "Groups; client i joins group i % groups, row s goes to group s % groups.") var groups: Int?
    @Option(help: "Comma-separated target write rates (rows/s), one step each; 0 = as fast as possible.") var rates: String?
    @Option(help: "Seconds of writing per step.") var stepSeconds: Double?
    @Option(help: "Rows per step at rate 0.") var rows: Int?
    @Option(help: "Writer connections (threads).") var writers: Int?
    @Option(help: "Most rows per INSERT statement.") var batch: Int?
    @Option(help: "Padding bytes per row.") var payloadBytes: Int?
    @Option(help: "Loopback source addresses (127.0.0.1 ... 127.0.0.N).") var sources: Int?
    @Option(help: "Clients that stop reading from the second step on.") var stalled: Int?
    @Option(help: "Clients that ping every 200 ms.") var pingers: Int?
    @Option(help: "Rows of the burst UPDATE.") var burstRows: Int?
    @Option(help: "Comma-separated client counts for the idle scenario.") var idleCounts: String?
    @Option(help: "Seconds without progress after which missing events count as lost.") var drainTimeout: Double?
    @Flag(help: "Keep stepping after a step with loss.") var continueOnLoss = false

    @Option(help: "Attach to a running relay, e.g. ws://127.0.0.1:8000/ws/rohrpost/ (needs --database-url).")
    var relay: String?
    @Option(help: "The relay's database; without --relay, a relay is started on it (default: a private PostgreSQL).")
    var databaseURL: String?
    @Option(help: "The rohrpost-relay binary. Defaults to the one next to this program.")
    var relayBinary: String?
    @Option(help: "--max-pending-bytes for a relay this tool starts. Defaults to the scenario's (the relay's own default unless set).") var maxPendingBytes: Int?
    @Option(help: "Event loop threads of the clients. Defaults to the number of cores.") var clientThreads: Int?
    @Option(help: "Clients per process; more are split over child processes. Defaults to the open-file limit less 1,000.")
    var clientsPerProcess: Int?

    func run() async throws {
        let limit = OpenFileLimit.raiseToHardLimit()?.current ?? 0
        let scenario = try resolvedScenario()
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let setup = ScenarioRunner.Setup(
            relayBinary: relayBinary ?? here.deletingLastPathComponent().appendingPathComponent("rohrpost-relay").path,
            benchBinary: here.path,
            databaseURL: databaseURL,
            attachPort: try relay.map(Self.port(of:)),
            maxPendingBytes: scenario.maxPendingBytes,
            clientThreads: clientThreads ?? System.coreCount,
            clientsPerProcess: clientsPerProcess ?? max(1_000, limit - 1_000))
        print("# rohrpost-bench \(scenario.name): open-file limit \(limit), targets \(scenario.targets.map(\.rawValue).joined(separator: ","))")
        print(StepResult.tableHeader)
        let failures = Failures()
        try await ScenarioRunner(scenario: scenario, setup: setup) { result in
            print(result.tableRow)
            if let delivery = result.delivery {
                let line = delivery.line("\(result.scenario) \(result.target) step \(result.step)")
                print(line)
                if !delivery.passed { failures.add(line) }
            }
            print(result.jsonLine)
            fflush(nil)
        }.run()
        let failed = failures.lines
        if !failed.isEmpty {
            for line in failed { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            throw ExitCode.failure
        }
    }

    /// Failed delivery checks, collected from the steps as they are emitted.
    private final class Failures: Sendable {
        private let storage = Mutex<[String]>([])
        func add(_ line: String) { storage.withLock { $0.append(line) } }
        var lines: [String] { storage.withLock { $0 } }
    }

    private func resolvedScenario() throws -> Scenario {
        guard var scenario = Scenario.named[self.scenario] else {
            throw ValidationError("--scenario: unknown '\(self.scenario)'; known: \(Scenario.named.keys.sorted().joined(separator: ", "))")
        }
        if let target {
            scenario.targets = try target.split(separator: ",").map {
                guard let value = Scenario.Target(rawValue: String($0)) else { throw ValidationError("--target: '\($0)' is not relay or blaster") }
                return value
            }
        }
        if relay != nil { scenario.targets = scenario.targets.filter { $0 == .relay } }
        scenario.clients = clients ?? scenario.clients
        scenario.groups = max(1, groups ?? scenario.groups)
        if let rates { scenario.rates = try Self.numbers(rates, "--rates") }
        scenario.stepSeconds = stepSeconds ?? scenario.stepSeconds
        scenario.rows = rows ?? scenario.rows
        scenario.writers = max(1, writers ?? scenario.writers)
        scenario.maximumBatch = batch ?? scenario.maximumBatch
        scenario.payloadBytes = payloadBytes ?? scenario.payloadBytes
        scenario.sources = min(254, max(1, sources ?? scenario.sources))
        scenario.stalled = stalled ?? scenario.stalled
        scenario.pingers = pingers ?? scenario.pingers
        scenario.burstRows = burstRows ?? scenario.burstRows
        scenario.maxPendingBytes = maxPendingBytes ?? scenario.maxPendingBytes
        if let idleCounts { scenario.idleCounts = try Self.numbers(idleCounts, "--idle-counts").map { Int($0) } }
        scenario.drainTimeout = drainTimeout ?? scenario.drainTimeout
        if continueOnLoss { scenario.stopOnLoss = false }
        return scenario
    }

    private static func numbers(_ text: String, _ flag: String) throws -> [Double] {
        try text.split(separator: ",").map {
            guard let value = Double($0.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("\(flag): '\($0)' is not a number") }
            return value
        }
    }

    private static func port(of url: String) throws -> Int {
        guard let components = URLComponents(string: url), components.host == "127.0.0.1" || components.host == "localhost",
            let port = components.port
        else { throw ValidationError("--relay: '\(url)' must be ws://127.0.0.1:PORT/ws/rohrpost/ (loopback only)") }
        return port
    }
}
