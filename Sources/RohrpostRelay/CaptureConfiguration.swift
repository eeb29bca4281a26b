/// How a relay takes part in logical capture (`rohrpost.capture.mode = 'logical'`): every
/// replica races for the database's replication slot; the one holding it numbers the
/// streamed transactions, the others stand by and take over when it goes.
public struct CaptureConfiguration: Sendable {
    /// Past this slot lag `GET /readyz` fails: the relay is behind, and so are its
    /// clients. Defaults to 30 s.
    public var maximumLag: Duration = .seconds(30)
    /// How often the holder tells PostgreSQL how far it got, and every replica samples the
    /// slot's lag. Defaults to 1 s.
    public var statusInterval: Duration = .seconds(1)
    /// How often a standby replica tries to take the slot. Defaults to 1 s.
    public var takeoverInterval: Duration = .seconds(1)
    /// How long the slot holder goes on reading after a transaction arrived before it
    /// numbers what it has: one numbering commit (a WAL flush) then serves the writers'
    /// commits of that time, instead of one each. Adds at most this to the latency.
    /// Defaults to 2 ms.
    public var batchWindow: Duration = .milliseconds(2)
    /// How often the slot holder asks how far PostgreSQL has flushed, while numbered
    /// batches wait for it before the slot may confirm them. Defaults to 20 ms.
    public var flushCheckInterval: Duration = .milliseconds(20)
    /// How often a relay looks whether the database changed its capture mode. Defaults to 5 s.
    public var modeCheckInterval: Duration = .seconds(5)

    /// The defaults above.
    public init() {}
}
