/// A transaction as the replication stream delivered it once it committed: its rows
/// inserted into published tables, in the order it inserted them.
public struct CommittedTransaction: Hashable, Sendable {
    /// Its transaction id (the low 32 bits of `pg_current_xact_id()`).
    public var xid: UInt32
    /// Where its commit record is in the WAL.
    public var commitLSN: LSN
    /// Where it ends: what to confirm with `sendStatus(flushed:)` once it has been handled.
    public var endLSN: LSN
    /// When it committed.
    public var commitTime: ReplicationTimestamp
    /// The rows it inserted.
    public var inserts: [CommittedInsert]

    /// Creates a committed transaction.
    public init(xid: UInt32, commitLSN: LSN, endLSN: LSN, commitTime: ReplicationTimestamp, inserts: [CommittedInsert]) {
        self.xid = xid
        self.commitLSN = commitLSN
        self.endLSN = endLSN
        self.commitTime = commitTime
        self.inserts = inserts
    }
}

/// One inserted row: which table, and each column's text value (`nil` for NULL).
public struct CommittedInsert: Hashable, Sendable {
    /// The table as `namespace.name`.
    public var relation: String
    /// Column name to its value in PostgreSQL's text form; `nil` for NULL.
    public var columns: [String: String?]

    /// Creates an inserted row.
    public init(relation: String, columns: [String: String?]) {
        self.relation = relation
        self.columns = columns
    }
}
