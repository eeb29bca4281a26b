/// How a relay takes part in numbering committed transactions: every replica races for the
/// sequencer role; the one holding it numbers them (from the journal in trigger capture,
/// from the replication slot in logical capture), the others stand by and take over when
/// it goes.
public struct CaptureConfiguration: Sendable {
    /// Past this slot lag `GET /readyz` fails: the relay is behind, and so are its
    /// clients. Defaults to 30 s.
    public var maximumLag: Duration = .seconds(30)
    /// How often the holder tells PostgreSQL how far it got, and every replica samples the
    /// slot's lag. Defaults to 1 s.
    public var statusInterval: Duration = .seconds(1)
    /// How often a standby replica tries to take the sequencer role. Defaults to 1 s.
    public var takeoverInterval: Duration = .seconds(1)
    /// How long the sequencer gathers commits before it numbers them: in trigger capture
    /// how often it looks while commits flow, in logical capture how long the slot holder
    /// goes on reading after a transaction arrived. One numbering commit (a WAL flush, and
    /// one journal read per replica) then serves the writers' commits of that time, instead
    /// of a few each. Adds at most this to the latency. Defaults to 2 ms.
    public var batchWindow: Duration = .milliseconds(2)
    /// How often the slot holder asks how far PostgreSQL has flushed, while numbered
    /// batches wait for it before the slot may confirm them. Defaults to 20 ms.
    public var flushCheckInterval: Duration = .milliseconds(20)
    /// Trigger capture: the longest the sequencer waits between looks once no commits came
    /// (it backs off from `batchWindow`, doubling). The first event after a quiet spell
    /// waits up to this long; an idle relay costs the database one cheap query per interval.
    /// Defaults to 50 ms.
    public var idleScanInterval: Duration = .milliseconds(50)
    /// Trigger capture: the most transactions one numbering commit takes. Defaults to 10,000.
    public var maximumBatch: Int = 10_000
    /// How often a relay looks whether the database changed its capture mode. Defaults to 5 s.
    public var modeCheckInterval: Duration = .seconds(5)

    /// The defaults above.
    public init() {}
}
