/// How the relay keeps and serves the event journal.
public struct JournalConfiguration: Sendable {
    /// How long events stay in the journal for clients to resume from; older ones are
    /// pruned. Defaults to 24 hours.
    public var retention: Duration = .seconds(24 * 3600)
    /// Events kept however old they are: the newest this many stay resumable. Defaults to 0.
    public var minimumEvents: Int = 0
    /// How often the relay prunes; nil never (prune with `rohrpost.prune()` yourself).
    /// Defaults to every 60 s.
    public var pruneInterval: Duration? = .seconds(60)
    /// The most events one resuming subscribe is sent; a longer backlog is answered with
    /// `recovered: false` (the client reloads). Defaults to 10,000.
    public var maximumResumeEvents: Int = 10_000
    /// How long a resume whose `since` lies past the journal's newest position waits for it
    /// to get there before it is answered `recovered: false` (an id from another journal):
    /// after a PostgreSQL crash, logical capture numbers the replayed stream again, with the
    /// ids clients had seen, a moment after the database is back. Defaults to 10 s.
    public var resumeAheadWait: Duration = .seconds(10)
    /// Connections for the relay's own short queries (resume, pruning), besides the
    /// LISTEN connection. Defaults to 2.
    public var queryConnections: Int = 2

    /// Creates the default configuration.
    public init() {}
}
