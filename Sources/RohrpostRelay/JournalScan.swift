import Logging
import RohrpostPostgres

/// The sequencer's source in trigger capture: polls `rohrpost.sequence_commits()`, which
/// numbers the transactions that committed since its last batch (writers took tickets at
/// commit, see sql/0009), in ticket order, with one NOTIFY per batch.
struct JournalScan: Sendable {
    let configuration: CaptureConfiguration
    let logger: Logger

    /// What one call numbered.
    struct Batch: Sendable, Hashable {
        /// Transactions given positions.
        var transactions: Int
        /// Whether writers may be committing right now (look again soon).
        var pending: Bool
    }

    /// Numbers commits until the database leaves trigger capture (then returns) or the
    /// session fails (then throws).
    func run(_ session: PostgresSession) async throws {
        var polling = SequencerPolling(active: configuration.scanInterval, idle: configuration.idleScanInterval)
        var checkedMode = ContinuousClock.now
        while true {
            let batch = try await number(session)
            let delay = polling.looked(numbered: batch.transactions, pending: batch.pending)
            if ContinuousClock.now - checkedMode >= configuration.modeCheckInterval {
                checkedMode = .now
                if try await session.withConnection({ try CaptureSettings.read($0) })?.mode != .trigger { return }
            }
            try await Task.sleep(for: delay)
        }
    }

    /// Numbers what has committed until nothing is left (before logical capture takes over).
    func drain(_ session: PostgresSession) async throws {
        while try await number(session).transactions > 0 {}
    }

    /// One call of `rohrpost.sequence_commits`.
    func number(_ session: PostgresSession) async throws -> Batch {
        let rows = try await session.query(
            "SELECT transactions, pending, first_position, last_position FROM rohrpost.sequence_commits($1)",
            [String(configuration.maximumBatch)])
        guard let row = rows.first, let transactions = row[0].flatMap({ Int($0) }) else {
            throw PostgresError(.unexpectedResult, "rohrpost.sequence_commits() returned no row")
        }
        if transactions > 0 {
            logger.trace(
                "sequencer: numbered \(transactions) transactions",
                metadata: ["sequencer.first": "\(row[2] ?? "")", "sequencer.last": "\(row[3] ?? "")"])
        }
        return Batch(transactions: transactions, pending: row[1] == "t")
    }
}
