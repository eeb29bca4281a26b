import Logging
import RohrpostPostgres
import RohrpostServer

/// Reads a resuming client's missed events from the journal, through the query pool.
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
        pool.submit { [maximumEvents, encoder, logger] connection in
            do {
                let read = try JournalReader(connection: connection.get())
                    .backlog(for: group, after: since, limit: maximumEvents + 1)
                // Complete only when nothing after `since` was pruned, `since` is not from
                // the future (another database, a reset journal), and it all fits.
                guard since >= read.firstPosition - 1, since <= read.lastPosition, read.events.count <= maximumEvents
                else {
                    completion(.incomplete)
                    return
                }
                completion(.complete(encoder.frames(for: read.events, onlyFor: group)))
            } catch {
                logger.warning("cannot read a backlog to resume a subscription: \(error)")
                completion(.incomplete)
            }
        }
    }
}
