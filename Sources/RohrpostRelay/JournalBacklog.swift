import Logging
import RohrpostPostgres
import RohrpostServer

/// Reads a resuming client's missed events from the journal, through the query pool.
///
/// A read that fails because the database went away or cannot be reached is not an answer:
/// it runs again on a fresh connection, and waits while the database is unreachable (the
/// subscribe's reply waits with it; the client's pings are still answered). Only what the
/// journal holds decides `recovered`.
struct JournalBacklog: BacklogSource {
    let pool: QueryPool
    /// The most events one resume sends; a longer backlog answers `recovered: false`.
    let maximumEvents: Int
    /// How long a `since` past the journal's newest position waits for the journal.
    let aheadWait: Duration
    let logger: Logger
    private let encoder = EventEncoder()

    init(pool: QueryPool, maximumEvents: Int, aheadWait: Duration, logger: Logger) {
        self.pool = pool
        self.maximumEvents = maximumEvents
        self.aheadWait = aheadWait
        self.logger = logger
    }

    func backlog(for group: String, after since: Int64, through: Int64?) async -> Backlog {
        let deadline = ContinuousClock.now + aheadWait
        let maximumEvents = maximumEvents
        // The journal must reach both `since` and what the loop delivered before the join.
        let reach = max(since, through ?? since)
        while true {
            let read: JournalReader.GroupBacklog
            do {
                read = try await pool.read(waitingForDatabase: true) { connection in
                    try JournalReader(connection: connection).backlog(for: group, after: since, limit: maximumEvents + 1)
                }
            } catch let error as PostgresError where error.code == .stopped {
                return .stopping
            } catch {
                // PostgreSQL refused the read itself (no rohrpost schema, no rights): no
                // resume can succeed until an operator acts.
                logger.error("cannot read the journal to resume a subscription; answering recovered: false: \(error)")
                return .incomplete
            }
            if reach > read.lastPosition && ContinuousClock.now < deadline {
                // Ids the journal does not hold yet: a crash undid logical capture's last
                // numbering, which it does again from the replayed stream with the same ids.
                // Look again shortly; the subscribe's reply waits.
                try? await Task.sleep(for: .milliseconds(100))
                continue
            }
            // Complete only when nothing after `since` was pruned, the journal holds every
            // id up to `since` (not another database's or a reset journal's) and up to what
            // the loop delivered before the join, and it all fits.
            guard since >= read.firstPosition - 1, reach <= read.lastPosition, read.events.count <= maximumEvents else {
                return .incomplete
            }
            return .complete(encoder.frames(for: read.events, onlyFor: group))
        }
    }
}
