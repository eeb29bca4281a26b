import ArgumentParser
import Foundation
import NIOCore
import RohrpostServer

/// What `rohrpost-bench run` asks of a client shard process, one JSON line each.
enum ShardOrder: Codable, Sendable {
    case tally(expected: [Int])
    case setStalledReading(Bool)
    case reset
}

/// A shard of the clients in a child process, driven through its standard input and output.
final class ClientShardProcess: Clients {
    private let child: PipedChild

    private init(child: PipedChild) {
        self.child = child
    }

    /// Starts `rohrpost-bench clients` for `plan` and waits until its clients are subscribed.
    static func start(_ plan: ClientFleet.Plan, threads: Int, binary: String) async throws -> ClientShardProcess {
        let arguments = ["clients", "--plan", String(decoding: try JSONEncoder().encode(plan), as: UTF8.self), "--threads", String(threads)]
        return try await onThread {
            let log = NSTemporaryDirectory() + "rohrpost-bench-clients-\(getpid())-\(plan.firstIndex).log"
            let child = try PipedChild.start(binary: binary, arguments: arguments, logFile: log)
            let line = child.receiveLine() ?? "(nothing)"
            guard line == "ready" else {
                child.stop()
                throw BenchError("client shard \(plan.indices) did not start: \(line) \(child.process.logTail)")
            }
            return ClientShardProcess(child: child)
        }
    }

    func setStalledReading(_ reading: Bool) async throws {
        _ = try await ask(.setStalledReading(reading))
    }

    func tally(expected: [Int]) async throws -> StepTally {
        try JSONDecoder().decode(StepTally.self, from: Data(try await ask(.tally(expected: expected)).utf8))
    }

    func reset() async throws {
        _ = try await ask(.reset)
    }

    /// Ends the shard: it closes its clients when its input closes.
    func close() async {
        let child = child
        _ = try? await onThread { child.stop() }
    }

    private func ask(_ order: ShardOrder) async throws -> String {
        let line = String(decoding: try JSONEncoder().encode(order), as: UTF8.self)
        let child = child
        return try await onThread { try child.ask(line) }
    }
}

/// `rohrpost-bench clients`: one shard of a run's clients in a process of its own. Prints
/// `ready` once every client is subscribed (or `error: ...`), then answers one
/// `ShardOrder` JSON line per line of input; closes its clients at end of input.
struct ClientShardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients", abstract: "Run one shard of the clients; driven by `rohrpost-bench run`.", shouldDisplay: false)

    @Option(help: "The shard's ClientFleet.Plan as JSON.") var plan: String
    @Option(help: "Event loop threads.") var threads = System.coreCount

    func run() async throws {
        _ = OpenFileLimit.raiseToHardLimit()
        let plan = try JSONDecoder().decode(ClientFleet.Plan.self, from: Data(plan.utf8))
        let fleet: ClientFleet
        do {
            fleet = try await ClientFleet.connect(plan, threads: threads)
        } catch {
            print("error: \(error)")
            fflush(nil)
            return
        }
        print("ready")
        fflush(nil)
        while let line = try await onThread({ readLine() }) {
            switch try JSONDecoder().decode(ShardOrder.self, from: Data(line.utf8)) {
            case .tally(let expected):
                print(String(decoding: try JSONEncoder().encode(try await fleet.tally(expected: expected)), as: UTF8.self))
            case .setStalledReading(let reading):
                await fleet.setStalledReading(reading)
                print("ok")
            case .reset:
                try await fleet.reset()
                print("ok")
            }
            fflush(nil)
        }
        await fleet.close()
    }
}
