import ArgumentParser
import Foundation
import RohrpostServer

/// `rohrpost-bench blaster`: the frame blaster as a process of its own (so the clients and
/// the server each have a whole process's open-file limit, as with the relay). Prints
/// `port <n>`, then reads one `BlastOrder` JSON line per step from stdin and answers each
/// with a `PacedWriter.Report` JSON line; ends at end of input.
struct BlasterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blaster", abstract: "Serve the baseline frame blaster; driven by `rohrpost-bench run`.", shouldDisplay: false)

    @Option(help: "TCP port on 127.0.0.1 (0 picks a free one).")
    var port = 0

    func run() async throws {
        _ = OpenFileLimit.raiseToHardLimit()
        let server = BlasterServer()
        let bound = try await server.start(port: port)
        print("port \(bound)")
        fflush(nil)
        for _ in 0..<1_000_000 {
            guard let line = try await onThread({ readLine() }) else { break }
            let order = try JSONDecoder().decode(BlastOrder.self, from: Data(line.utf8))
            let report = try await PacedWriter(plan: order.plan).run { _ in
                BlasterRowSink(server: server, groups: order.groups, payloadBytes: order.payloadBytes)
            }
            print(String(decoding: try JSONEncoder().encode(report), as: UTF8.self))
            fflush(nil)
        }
    }
}

/// One step's writes, as the blaster is told them.
struct BlastOrder: Codable, Sendable {
    var plan: PacedWriter.Plan
    var groups: Int
    var payloadBytes: Int
}
