import CLibPQ
import Foundation

extension ReplicationConnection {
    /// Waits up to `timeout` for the next message of the stream started by
    /// `startReplication`; nil when none arrived in time.
    ///
    /// Answer a keepalive that has `replyRequested` with `sendStatus` soon, or the server
    /// ends the connection after `wal_sender_timeout`. Throws when the server ends the
    /// stream (with its reason) or the connection breaks.
    public func read(timeout: Duration) throws -> ReplicationMessage? {
        let connection = try openConnection()
        let deadline = ContinuousClock.now + timeout
        while true {
            if let message = try takeReceived(connection) { return message }
            // Nothing complete is buffered: wait for the socket, then let libpq read it.
            let remaining = deadline - .now
            guard remaining > .zero, Self.waitReadable(PQsocket(connection), for: remaining) else { return nil }
            guard PQconsumeInput(connection) == 1 else { throw lost(while: "read the replication stream") }
        }
    }

    /// Waits up to `timeout` for the next message, then goes on taking messages for
    /// `window` (zero: only those already arrived), up to `maximum` in all; empty when none
    /// arrived in time.
    ///
    /// One call per burst instead of one per message: a large transaction comes as one
    /// message per row, many small ones come a few messages each, and every call hops onto
    /// this connection's thread and back (at one writer's pace, a hop per transaction cost
    /// the relay more CPU than the rest of reading the stream).
    public func read(upTo maximum: Int, timeout: Duration, window: Duration = .zero) throws -> [ReplicationMessage] {
        if let ended = endOfStream { throw ended }
        guard let first = try read(timeout: timeout) else { return [] }
        let connection = try openConnection()
        let windowEnd = ContinuousClock.now + window
        var messages = [first]
        var readSocket = false
        while messages.count < maximum {
            do {
                if let next = try takeReceived(connection) {
                    messages.append(next)
                    readSocket = false
                    continue
                }
            } catch {
                // Hand over what arrived before the end; the next call throws.
                endOfStream = error
                break
            }
            if !readSocket {
                // Read once more what the socket holds without waiting.
                guard PQconsumeInput(connection) == 1 else { break }
                readSocket = true
                continue
            }
            // Nothing more has arrived: wait for the socket while the window lasts.
            let remaining = windowEnd - .now
            guard remaining > .zero, Self.waitReadable(PQsocket(connection), for: remaining) else { break }
            readSocket = false
        }
        return messages
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

    /// The next complete message libpq has received, nil when there is none yet.
    private func takeReceived(_ connection: OpaquePointer) throws -> ReplicationMessage? {
        if let ended = endOfStream { throw ended }
        var buffer: UnsafeMutablePointer<CChar>?
        let length = PQgetCopyData(connection, &buffer, 1)
        if length > 0, let buffer {
            defer { PQfreemem(buffer) }
            return try ReplicationMessage(copyData: [UInt8](UnsafeRawBufferPointer(start: buffer, count: Int(length))))
        }
        if length == 0 { return nil }
        let error = length == -1 ? streamEnded(connection) : lost(while: "read the replication stream")
        endOfStream = error
        throw error
    }

    /// The error for a stream the server ended: its first error says why (libpq's own
    /// "server closed the connection" comes after it).
    private func streamEnded(_ connection: OpaquePointer) -> PostgresError {
        var reason: PostgresError?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            if reason == nil, PQresultStatus(result) == PGRES_FATAL_ERROR {
                reason = Self.failure(result, while: "keep streaming")
            }
        }
        return PostgresError(
            .connectionLost, reason?.message ?? "the server ended the replication stream",
            sqlState: reason?.sqlState, serverMessage: reason?.serverMessage)
    }

    /// Waits until `socket` is readable or `timeout` passes; false on timeout.
    private static func waitReadable(_ socket: Int32, for timeout: Duration) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: max(1, (timeout + .microseconds(999)).wholeMilliseconds))
        // EINTR counts as ready: the caller asks libpq again, then waits anew.
        return poll(&descriptor, 1, milliseconds) != 0
    }
}
