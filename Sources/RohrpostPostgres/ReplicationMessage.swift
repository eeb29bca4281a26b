/// One CopyData message from the server on a replication connection after `START_REPLICATION`.
public enum ReplicationMessage: Hashable, Sendable {
    /// A piece of the stream ('w'): for a logical slot, one output-plugin message.
    case xLogData(XLogData)
    /// The server's heartbeat ('k'), which may ask for a status update right away.
    case primaryKeepalive(PrimaryKeepalive)

    /// The payload of an 'w' message and where in the WAL it comes from.
    public struct XLogData: Hashable, Sendable {
        /// The WAL position this data starts at (0/0 for some logical messages).
        public var walStart: LSN
        /// The end of WAL on the server when it sent this.
        public var walEnd: LSN
        /// The server's clock when it sent this.
        public var sendTime: ReplicationTimestamp
        /// The data itself: for `pgoutput`, one message that `PgOutputMessage` decodes.
        public var payload: [UInt8]

        /// Creates the data of an 'w' message.
        public init(walStart: LSN, walEnd: LSN, sendTime: ReplicationTimestamp, payload: [UInt8]) {
            self.walStart = walStart
            self.walEnd = walEnd
            self.sendTime = sendTime
            self.payload = payload
        }
    }

    /// The fields of a 'k' message.
    public struct PrimaryKeepalive: Hashable, Sendable {
        /// The end of WAL on the server.
        public var walEnd: LSN
        /// The server's clock when it sent this.
        public var sendTime: ReplicationTimestamp
        /// Whether the server wants a status update now (or it may end the connection).
        public var replyRequested: Bool

        /// Creates the fields of a 'k' message.
        public init(walEnd: LSN, sendTime: ReplicationTimestamp, replyRequested: Bool) {
            self.walEnd = walEnd
            self.sendTime = sendTime
            self.replyRequested = replyRequested
        }
    }
}

extension ReplicationMessage {
    /// Decodes the bytes of one CopyData message; throws a `PostgresError` naming what was
    /// malformed when they are not an 'w' or 'k' message of the right length.
    public init(copyData bytes: [UInt8]) throws {
        var reader = ReplicationWireReader(bytes, subject: "replication message")
        let tag = try reader.uint8("message type")
        switch tag {
        case UInt8(ascii: "w"):
            reader = ReplicationWireReader(bytes, subject: "XLogData ('w') message", offset: 1)
            let walStart = try reader.lsn("WAL start")
            let walEnd = try reader.lsn("WAL end")
            let sendTime = try reader.timestamp("send time")
            self = .xLogData(XLogData(walStart: walStart, walEnd: walEnd, sendTime: sendTime, payload: reader.remainder()))
        case UInt8(ascii: "k"):
            reader = ReplicationWireReader(bytes, subject: "primary keepalive ('k') message", offset: 1)
            let walEnd = try reader.lsn("WAL end")
            let sendTime = try reader.timestamp("send time")
            let replyRequested = try reader.uint8("reply-requested flag")
            try reader.expectEnd()
            self = .primaryKeepalive(PrimaryKeepalive(walEnd: walEnd, sendTime: sendTime, replyRequested: replyRequested != 0))
        default:
            throw reader.malformed("unknown message type \(describeTag(tag))")
        }
    }
}

/// A message type byte for errors: `'w'` when printable, `0x00` otherwise.
func describeTag(_ tag: UInt8) -> String {
    (0x21...0x7E).contains(tag) ? "'\(Character(Unicode.Scalar(tag)))'" : "0x" + String(tag, radix: 16)
}
