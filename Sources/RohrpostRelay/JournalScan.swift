import Logging
import RohrpostPostgres

/// The sequencer's source in trigger capture: polls `rohrpost.sequence_commits()`, which
/// numbers the transactions that committed since its last batch and wrote journal rows
/// (see sql/0010), in the order of their last rows' stamps, with one NOTIFY per batch.
struct JournalScan: Sendable {
    let configuration: CaptureConfiguration
    let logger: Logger

    /// What one call numbered.
    struct Batch: Sendable, Hashable {
        /// Transactions given positions.
        var transactions: Int
        /// Whether writers may be committing right now (look again soon).
        var pending: Bool
        /// When nothing was numbered: the snapshot looked at, passed to the next call so
        /// that it looks only past it (sequence_commits' `looked`).
        var lookedAt: String?
    }

    /// Numbers commits until the database leaves trigger capture (then returns) or the
    /// session fails (then throws).
    func run(_ session: PostgresSession) async throws {
        var polling = SequencerPolling(active: configuration.batchWindow, idle: configuration.idleScanInterval)
        var checkedMode = ContinuousClock.now
        var lookedAt: String?
        while true {
            let batch = try await number(session, after: lookedAt)
            lookedAt = batch.lookedAt
            let delay = polling.looked(numbered: batch.transactions, pending: batch.pending)
            if ContinuousClock.now - checkedMode >= configuration.modeCheckInterval {
                checkedMode = .now
                if try await session.withConnection({ try CaptureSettings.read($0) })?.mode != .trigger { return }
            }
            try await Task.sleep(for: delay)
        }
    }

    /// Numbers what trigger capture left when the database switched to logical capture
    /// (sequence_commits numbers nothing more in logical capture), before the stream starts.
    func drain(_ session: PostgresSession) async throws {
        while try await number(session).transactions > 0 {}
    }

    /// One call of `rohrpost.sequence_commits`, looking past `lookedAt` (a previous call's).
    func number(_ session: PostgresSession, after lookedAt: String? = nil) async throws -> Batch {
        let rows = try await session.query(
            "SELECT transactions, pending, first_position, last_position, looked_at FROM rohrpost.sequence_commits($1, $2::pg_snapshot)",
            [String(configuration.maximumBatch), lookedAt])
        guard let row = rows.first, let transactions = row[0].flatMap({ Int($0) }) else {
            throw PostgresError(.unexpectedResult, "rohrpost.sequence_commits() returned no row")
        }
        if transactions > 0 {
            logger.trace(
                "sequencer: numbered \(transactions) transactions",
                metadata: ["sequencer.first": "\(row[2] ?? "")", "sequencer.last": "\(row[3] ?? "")"])
        }
        return Batch(transactions: transactions, pending: row[1] == "t", lookedAt: row[4])
    }
}
