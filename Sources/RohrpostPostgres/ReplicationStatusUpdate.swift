/// The standby status update ('r') a replication client sends: how far it has received,
/// made durable and applied the stream. For a logical slot the server keeps the WAL after
/// `flushed` and moves the slot's `confirmed_flush_lsn` up to it.
public struct ReplicationStatusUpdate: Hashable, Sendable {
    /// The position after the last byte received.
    public var written: LSN
    /// The position after the last byte the client will not need again.
    public var flushed: LSN
    /// The position after the last byte the client has applied.
    public var applied: LSN
    /// The client's clock when it sends this.
    public var clock: ReplicationTimestamp
    /// Whether the server should answer at once with a keepalive.
    public var replyRequested: Bool

    /// Creates a status update.
    public init(written: LSN, flushed: LSN, applied: LSN, clock: ReplicationTimestamp, replyRequested: Bool) {
        self.written = written
        self.flushed = flushed
        self.applied = applied
        self.clock = clock
        self.replyRequested = replyRequested
    }

    /// The 34 bytes of the CopyData message: 'r', four big-endian Int64 and a flag byte.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "r")]
        bytes.reserveCapacity(34)
        for field in [written.value, flushed.value, applied.value, UInt64(bitPattern: clock.microsecondsSince2000)] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: field >> shift)) }
        }
        bytes.append(replyRequested ? 1 : 0)
        return bytes
    }
}
