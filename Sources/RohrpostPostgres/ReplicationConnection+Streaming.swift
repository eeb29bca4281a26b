import CLibPQ
import Foundation

extension ReplicationConnection {
    /// Waits up to `timeout` for the next message of the stream started by
    /// `startReplication`; nil when none arrived in time.
    ///
    /// Throws when the server ends the stream (with its reason) or the connection breaks.
    public func read(timeout: Duration) throws -> ReplicationMessage? {
        let connection = try openConnection()
        let deadline = ContinuousClock.now + timeout
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection, &buffer, 1)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                return try ReplicationMessage(copyData: [UInt8](UnsafeRawBufferPointer(start: buffer, count: Int(length))))
            }
            if length == -1 { throw streamEnded(connection) }
            if length < -1 { throw lost(while: "read the replication stream") }
            // Nothing complete is buffered: wait for the socket, then let libpq read it.
            let remaining = deadline - .now
            guard remaining > .zero, Self.waitReadable(PQsocket(connection), for: remaining) else { return nil }
            guard PQconsumeInput(connection) == 1 else { throw lost(while: "read the replication stream") }
        }
    }

    /// Tells the server everything up to `flushed` has been handled (written, flushed and
    /// applied), so the slot's `confirmed_flush_lsn` moves up and older WAL can go.
    public func sendStatus(flushed: LSN, replyRequested: Bool = false) throws {
        let connection = try openConnection()
        let update = ReplicationStatusUpdate(
            written: flushed, flushed: flushed, applied: flushed, clock: .now(), replyRequested: replyRequested)
        let sent = update.bytes.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1, PQflush(connection) == 0 else { throw lost(while: "send a status update") }
    }

    /// The error for a stream the server ended: its final result says why.
    private func streamEnded(_ connection: OpaquePointer) -> PostgresError {
        var reason = "the server ended the replication stream"
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_FATAL_ERROR {
                reason = Self.failure(result, while: "keep streaming").message
            }
        }
        return PostgresError(.connectionLost, reason)
    }

    /// Waits until `socket` is readable or `timeout` passes; false on timeout.
    private static func waitReadable(_ socket: Int32, for timeout: Duration) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: max(1, (timeout + .microseconds(999)).wholeMilliseconds))
        let ready = poll(&descriptor, 1, milliseconds)
        // EINTR counts as ready: the caller tries libpq again and then waits anew.
        return ready != 0
    }
}
