import RohrpostPostgres

/// One committed transaction as the replication stream shows it, reduced to what its
/// positions need: which transaction (the journal's `xid8`), how many events, where in
/// the WAL and when it committed.
struct StreamedCommit: Sendable, Hashable {
    /// The journal rows' `xid` column: the transaction's full 64-bit id, as text.
    var xid: String
    /// Its highest journal `seq`: the events it wrote, 1 to n.
    var eventCount: Int
    /// Its commit record's position in the WAL.
    var commitLSN: LSN
    /// Where its commit record ends: what the slot may confirm once it is numbered.
    var endLSN: LSN
    /// When it committed, to the microsecond, as the stream sent it.
    var committedAt: ReplicationTimestamp

    /// The journal rows of `transaction`; nil when it wrote none (or none readable).
    init?(_ transaction: CommittedTransaction, journal: String = "rohrpost.journal") {
        let rows = transaction.inserts.filter { $0.relation == journal }
        guard let xid = rows.lazy.compactMap({ $0.columns["xid"] ?? nil }).first,
            let count = rows.compactMap({ ($0.columns["seq"] ?? nil).flatMap { Int($0) } }).max()
        else { return nil }
        self.xid = xid
        self.eventCount = count
        self.commitLSN = transaction.commitLSN
        self.endLSN = transaction.endLSN
        self.committedAt = transaction.commitTime
    }
}
