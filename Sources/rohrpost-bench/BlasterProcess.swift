import Foundation

/// The frame blaster process, driven through its standard input and output.
final class BlasterProcess: Sendable {
    let port: Int
    private let child: PipedChild

    private init(port: Int, child: PipedChild) {
        self.port = port
        self.child = child
    }

    /// Starts `rohrpost-bench blaster` from `binary` and waits for its port.
    static func start(binary: String) throws -> BlasterProcess {
        let log = NSTemporaryDirectory() + "rohrpost-bench-blaster-\(getpid()).log"
        let child = try PipedChild.start(binary: binary, arguments: ["blaster"], logFile: log)
        let line = child.receiveLine() ?? ""
        guard line.hasPrefix("port "), let port = Int(line.dropFirst(5)) else {
            child.stop()
            throw BenchError("the blaster did not report its port (said '\(line)'): \(child.process.logTail)")
        }
        return BlasterProcess(port: port, child: child)
    }

    /// Has the blaster write one step; returns its report.
    func blast(_ order: BlastOrder) async throws -> PacedWriter.Report {
        let line = String(decoding: try JSONEncoder().encode(order), as: UTF8.self)
        let child = child
        return try await onThread {
            try JSONDecoder().decode(PacedWriter.Report.self, from: Data(try child.ask(line).utf8))
        }
    }

    /// Closes its input (it ends) and waits.
    func stop() {
        child.stop()
    }
}
