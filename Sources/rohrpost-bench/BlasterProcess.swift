import Foundation

/// The frame blaster process, driven through its standard input and output.
final class BlasterProcess: Sendable {
    let port: Int
    let process: ChildProcess
    private let input: Int32
    private let output: Int32

    private init(port: Int, process: ChildProcess, input: Int32, output: Int32) {
        self.port = port
        self.process = process
        self.input = input
        self.output = output
    }

    /// Starts `rohrpost-bench blaster` from `binary` and waits for its port.
    static func start(binary: String) throws -> BlasterProcess {
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { throw BenchError("cannot create pipes: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_addclose(&actions, toChild[1])
        posix_spawn_file_actions_addclose(&actions, fromChild[0])
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(binary), strdup("blaster"), nil]
        defer { arguments.forEach { free($0) } }
        var pid = pid_t()
        let error = posix_spawn(&pid, binary, &actions, nil, arguments, environ)
        close(toChild[0])
        close(fromChild[1])
        guard error == 0 else { throw BenchError("cannot start the blaster \(binary): \(String(cString: strerror(error)))") }
        let child = ChildProcess.adopt(pid)
        let line = readLine(from: fromChild[0]) ?? ""
        guard line.hasPrefix("port "), let port = Int(line.dropFirst(5)) else {
            child.stop()
            throw BenchError("the blaster did not report its port (said '\(line)')")
        }
        return BlasterProcess(port: port, process: child, input: toChild[1], output: fromChild[0])
    }

    /// Has the blaster write one step; returns its report.
    func blast(_ order: BlastOrder) async throws -> PacedWriter.Report {
        let line = String(decoding: try JSONEncoder().encode(order), as: UTF8.self) + "\n"
        let input = input
        let output = output
        return try await onThread {
            _ = line.withCString { write(input, $0, strlen($0)) }
            guard let answer = Self.readLine(from: output) else { throw BenchError("the blaster ended unexpectedly") }
            return try JSONDecoder().decode(PacedWriter.Report.self, from: Data(answer.utf8))
        }
    }

    /// Closes its input (it ends) and waits.
    func stop() {
        close(input)
        close(output)
        process.stop()
    }

    /// Reads up to a newline, byte by byte (answers are short and rare).
    private static func readLine(from descriptor: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 1 << 20 {
            let count = read(descriptor, &byte, 1)
            if count <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == 10 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
