import RohrpostPostgres

/// How far the slot holder may confirm the replication slot: past a batch only once the
/// commit that numbered it is flushed (numbering commits do not wait for their flush), and
/// to the server's position only when nothing read is still waiting for that.
///
/// A value: the capture loop tells it what happened and sends `confirmed` to the server.
struct SlotConfirmation: Sendable {
    /// The position the slot may confirm: every transaction before it is numbered durably.
    private(set) var confirmed = LSN.invalid
    /// Numbered batches whose numbering may not be flushed yet, oldest first: the WAL
    /// position at or past their numbering commit, and where the batch ends in the stream.
    private(set) var unflushed: [(numbering: LSN, end: LSN)] = []

    /// Whether batches wait for a flush: then ask PostgreSQL how far it has flushed.
    var awaitsFlush: Bool { !unflushed.isEmpty }

    /// A batch ending at `end` in the stream was numbered by a commit at or before `numbering`.
    mutating func numbered(by numbering: LSN, through end: LSN) {
        unflushed.append((numbering, end))
    }

    /// PostgreSQL has flushed its WAL up to `flushed`.
    mutating func flushed(upTo flushed: LSN) {
        while let first = unflushed.first, first.numbering <= flushed {
            confirmed = max(confirmed, first.end)
            unflushed.removeFirst()
        }
    }

    /// The server has sent everything before `position` (a keepalive, or a transaction with
    /// nothing to number); `idle` when no transaction is half read. Confirmable only when no
    /// batch still waits for its flush.
    mutating func serverReached(_ position: LSN, idle: Bool) {
        guard idle, unflushed.isEmpty else { return }
        confirmed = max(confirmed, position)
    }
}
