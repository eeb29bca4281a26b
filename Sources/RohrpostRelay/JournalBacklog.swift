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
    let logger: Logger
    private let encoder = EventEncoder()

    init(pool: QueryPool, maximumEvents: Int, logger: Logger) {
        self.pool = pool
        self.maximumEvents = maximumEvents
        self.logger = logger
    }

    func backlog(for group: String, after since: Int64, completion: @escaping @Sendable (Backlog) -> Void) {
        let (maximumEvents, encoder, logger) = (maximumEvents, encoder, logger)
        pool.read(waitingForDatabase: true) { connection in
            try JournalReader(connection: connection).backlog(for: group, after: since, limit: maximumEvents + 1)
        } completion: { result in
            switch result {
            case .success(let read):
                // Complete only when nothing after `since` was pruned, `since` is not from
                // the future (another database, a reset journal), and it all fits.
                guard since >= read.firstPosition - 1, since <= read.lastPosition, read.events.count <= maximumEvents
                else {
                    completion(.incomplete)
                    return
                }
                completion(.complete(encoder.frames(for: read.events, onlyFor: group)))
            case .failure(let error as PostgresError) where error.code == .stopped:
                completion(.stopping)
            case .failure(let error):
                // PostgreSQL refused the read itself (no rohrpost schema, no rights): no
                // resume can succeed until an operator acts.
                logger.error("cannot read the journal to resume a subscription; answering recovered: false: \(error)")
                completion(.incomplete)
            }
        }
    }
}
