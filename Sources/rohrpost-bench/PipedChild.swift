import Foundation

/// A copy of this tool run as a child process and driven by lines: one JSON line in on its
/// standard input, one line back on its standard output (the blaster, client shards).
final class PipedChild: Sendable {
    let process: ChildProcess
    private let input: Int32
    private let output: Int32

    private init(process: ChildProcess, input: Int32, output: Int32) {
        self.process = process
        self.input = input
        self.output = output
    }

    /// Starts `binary` with `arguments`, its standard input and output piped to this
    /// process and its standard error going to `logFile`.
    static func start(binary: String, arguments: [String], logFile: String) throws -> PipedChild {
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0 else { throw BenchError("cannot create a pipe: errno \(errno)") }
        guard pipe(&fromChild) == 0 else {
            close(toChild[0])
            close(toChild[1])
            throw BenchError("cannot create a pipe: errno \(errno)")
        }
        defer {
            // The child's ends: it has its own copies now (or never started).
            close(toChild[0])
            close(fromChild[1])
        }
        do {
            let process = try ChildProcess.start(
                [binary] + arguments, logFile: logFile, pipes: (input: toChild[0], output: fromChild[1]))
            return PipedChild(process: process, input: toChild[1], output: fromChild[0])
        } catch {
            close(toChild[1])
            close(fromChild[0])
            throw error
        }
    }

    /// Sends one line (a newline is added); blocks until written.
    func send(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw BenchError("the child process stopped reading (errno \(errno))") }
            offset += written
        }
    }

    /// The next line the child printed, without its newline; nil at its end.
    func receiveLine() -> String? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1)
        while true {
            let count = read(output, &chunk, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if chunk[0] == 10 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(chunk[0])
        }
    }

    /// Sends `line` and returns the answer line; throws when the child ended instead.
    func ask(_ line: String) throws -> String {
        try send(line)
        guard let answer = receiveLine() else { throw BenchError("the child process ended unexpectedly") }
        return answer
    }

    /// Closes its input (it ends), then stops it if it has not.
    func stop() {
        close(input)
        close(output)
        process.stop()
    }
}
