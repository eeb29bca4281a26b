/// What `IDENTIFY_SYSTEM` reports about the server a replication connection reached.
public struct ReplicationSystem: Hashable, Sendable {
    /// The cluster's unique system identifier, as text.
    public var systemID: String
    /// The current timeline.
    public var timeline: UInt32
    /// The current WAL flush position.
    public var position: LSN
    /// The database this connection replicates from (nil for a physical connection).
    public var database: String?

    /// Creates a system identification.
    public init(systemID: String, timeline: UInt32, position: LSN, database: String?) {
        self.systemID = systemID
        self.timeline = timeline
        self.position = position
        self.database = database
    }
}
