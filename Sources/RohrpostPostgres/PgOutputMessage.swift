/// One message of the `pgoutput` plugin, protocol version 1: the payload of an XLogData.
///
/// The messages a consumer of inserts needs are decoded in full; the rest carry what is
/// cheap to read, and tags this type does not know come as `.other`.
public enum PgOutputMessage: Hashable, Sendable {
    /// 'B': a transaction starts; its changes follow, then `.commit`.
    case begin(Begin)
    /// 'C': the transaction begun last committed.
    case commit(Commit)
    /// 'O': the changes came from another node (replication origin).
    case origin(commitLSN: LSN, name: String)
    /// 'R': the shape of a table, sent before the first change to it on this connection
    /// and again when it changes.
    case relation(PgOutputRelation)
    /// 'Y': a non-built-in data type a relation's column uses.
    case type(oid: UInt32, namespace: String, name: String)
    /// 'I': a row was inserted.
    case insert(relationID: UInt32, new: PgOutputTuple)
    /// 'U': a row was updated; `old` is there when the replica identity sends it.
    case update(relationID: UInt32, old: OldRow?, new: PgOutputTuple)
    /// 'D': a row was deleted.
    case delete(relationID: UInt32, old: OldRow)
    /// 'T': tables were truncated; `options` bit 1 is CASCADE, bit 2 RESTART IDENTITY.
    case truncate(relationIDs: [UInt32], options: UInt8)
    /// 'M': a message from `pg_logical_emit_message`.
    case message(transactional: Bool, lsn: LSN, prefix: String, content: [UInt8])
    /// A message type this decoder leaves alone (streaming and two-phase messages of later
    /// protocol versions).
    case other(tag: UInt8)

    /// The fields of a Begin message.
    public struct Begin: Hashable, Sendable {
        /// Where the transaction's commit record ends up in the WAL.
        public var finalLSN: LSN
        /// When it committed.
        public var commitTime: ReplicationTimestamp
        /// Its transaction id (the low 32 bits of `pg_current_xact_id()`).
        public var xid: UInt32

        /// Creates the fields of a Begin message.
        public init(finalLSN: LSN, commitTime: ReplicationTimestamp, xid: UInt32) {
            self.finalLSN = finalLSN
            self.commitTime = commitTime
            self.xid = xid
        }
    }

    /// The fields of a Commit message.
    public struct Commit: Hashable, Sendable {
        /// Unused so far; 0.
        public var flags: UInt8
        /// Where the commit record is.
        public var commitLSN: LSN
        /// Where the transaction ends: the position to confirm once it has been handled.
        public var endLSN: LSN
        /// When it committed.
        public var commitTime: ReplicationTimestamp

        /// Creates the fields of a Commit message.
        public init(flags: UInt8 = 0, commitLSN: LSN, endLSN: LSN, commitTime: ReplicationTimestamp) {
            self.flags = flags
            self.commitLSN = commitLSN
            self.endLSN = endLSN
            self.commitTime = commitTime
        }
    }

    /// The old row of an update or delete.
    public enum OldRow: Hashable, Sendable {
        /// 'K': only the replica identity key's columns (others are null).
        case key(PgOutputTuple)
        /// 'O': the whole old row (`REPLICA IDENTITY FULL`).
        case row(PgOutputTuple)
    }
}
