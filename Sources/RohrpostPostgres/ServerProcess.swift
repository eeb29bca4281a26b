import Foundation

/// Runs PostgreSQL's programs, as the `postgres` OS user when this process is root.
enum ServerProcess {
    private static var isRoot: Bool { geteuid() == 0 }

    /// Runs `program` to its end and returns what it printed; throws with that output on failure.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], asServerUser: Bool = true) throws -> String {
        let process = Process()
        if asServerUser && isRoot {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--", program] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let name = URL(fileURLWithPath: program).lastPathComponent
            throw PostgresError(.connectionFailed, "\(name) failed (exit \(process.terminationStatus)): \(text)")
        }
        return text
    }

    /// Hands `path` to the `postgres` user when running as root.
    static func giveToServerUser(_ path: String) throws {
        guard isRoot else { return }
        guard let user = getpwnam("postgres") else {
            throw PostgresError(.connectionFailed, "running as root needs a 'postgres' OS user to run PostgreSQL as")
        }
        guard chown(path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
            throw PostgresError(.connectionFailed, "cannot chown \(path) to postgres: errno \(errno)")
        }
    }

    /// Appends `text` to a file the server user owns.
    static func appendAsServerUser(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
