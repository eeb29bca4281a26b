import Logging
import RohrpostPostgres

/// Prunes the journal periodically with `rohrpost.prune`, so it keeps what clients may
/// resume from and no more.
struct JournalRetention {
    let pool: QueryPool
    let configuration: JournalConfiguration
    let logger: Logger

    /// Prunes every `pruneInterval` until cancelled.
    func run() async {
        guard let interval = configuration.pruneInterval else { return }
        let keep = "\(configuration.retention.components.seconds) seconds"
        let minimumEvents = String(configuration.minimumEvents)
        while !Task.isCancelled {
            do {
                let deleted = try await pool.run { connection in
                    try connection.query("SELECT rohrpost.prune($1::interval, $2::bigint)", [keep, minimumEvents]).first?.first ?? nil
                }
                if let deleted, deleted != "0" {
                    logger.debug("pruned the journal", metadata: ["pg.prunedEvents": "\(deleted)"])
                }
            } catch {
                logger.warning("cannot prune the journal: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
