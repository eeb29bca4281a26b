/// What one benchmark run does. The named scenarios of issue 7 are presets; every field
/// can be overridden from the command line.
struct Scenario: Sendable {
    var name: String
    var clients: Int
    var groups: Int
    /// Target rows per second, one step each; 0 means as fast as the writers go.
    var rates: [Double]
    /// Seconds of writing per step (rows = rate × seconds; with rate 0, `rows`).
    var stepSeconds: Double = 5
    /// Rows per step when the rate is 0.
    var rows = 20_000
    var writers = 1
    var maximumBatch = 1000
    /// Bytes of padding per row (the `pad` column), to make frames bigger.
    var payloadBytes = 0
    var sources = 8
    /// Clients that stop reading from the second step on.
    var stalled = 0
    /// Receive buffer of the stalled clients' sockets (bytes), so the relay's queue, not the
    /// kernel's, fills up; nil leaves the system default.
    var stalledReceiveBuffer: Int? = nil
    /// `--max-pending-bytes` of a relay this tool starts; nil leaves the relay's default (4 MiB).
    var maxPendingBytes: Int? = nil
    /// Clients that ping every 200 ms, for ping-to-pong latency.
    var pingers = 0
    /// Rows of the one big UPDATE of the burst scenario (0: no burst).
    var burstRows = 0
    /// Client counts of the idle scenario (empty: not idle).
    var idleCounts: [Int] = []
    /// Sample `pg_notification_queue_usage()` while writing.
    var sampleNotifyQueue = false
    /// Stop stepping after a step with loss.
    var stopOnLoss = true
    /// Seconds with nothing new arriving after which a step's missing events count as lost.
    var drainTimeout: Double = 5
    /// Runs against the relay and/or the frame blaster.
    var targets: [Target] = [.relay]

    enum Target: String, Sendable, CaseIterable {
        case relay, blaster
    }

    /// The presets, scaled to run on this 2-core machine with the load generator beside the relay.
    ///
    /// Fan-out to 10,000 clients here: the blaster (one flush per connection per row) tops
    /// out near 140,000 frames/s (20 rows/s); the relay, which folds the frames that queue up
    /// for a connection while it is behind into one write, delivers 80 rows/s (800,000
    /// frames/s) without loss. Pong runs at 10 rows/s (the highest rate at which neither
    /// queues) and 20. Slow-client runs 1,000 readers at 25 rows/s of 8 KiB rows (about
    /// 200 MB/s), enough to fill a stalled client's buffers within its 30 s step.
    static let named: [String: Scenario] = [
        "fan-out": Scenario(
            name: "fan-out", clients: 10_000, groups: 1, rates: [5, 10, 20, 40, 80], stepSeconds: 5,
            pingers: 0, targets: [.blaster, .relay]),
        "many-groups": Scenario(
            name: "many-groups", clients: 10_000, groups: 10_000, rates: [10_000], stepSeconds: 5, writers: 2,
            targets: [.blaster, .relay]),
        "latency": Scenario(
            name: "latency", clients: 1000, groups: 100, rates: [1000], stepSeconds: 10, targets: [.blaster, .relay]),
        "burst": Scenario(
            name: "burst", clients: 10_000, groups: 100, rates: [], burstRows: 100_000, drainTimeout: 15),
        "idle": Scenario(name: "idle", clients: 0, groups: 100, rates: [], idleCounts: [1000, 10_000, 19_000]),
        "ingest": Scenario(
            name: "ingest", clients: 100, groups: 10, rates: [0], stepSeconds: 10, rows: 60_000, writers: 4,
            sampleNotifyQueue: true),
        // Step 0: 1,010 clients all reading; step 1: the same rate with the last 10 stopped.
        // 8 KiB rows (200 KB/s per client) so a stalled client fills the relay's kernel send
        // buffer (up to 4 MiB, tcp_wmem) and then its 128 KiB limit within the 30 s step.
        "slow-client": Scenario(
            name: "slow-client", clients: 1010, groups: 1, rates: [25, 25], stepSeconds: 30, payloadBytes: 8192,
            stalled: 10, stalledReceiveBuffer: 4096, maxPendingBytes: 131_072, stopOnLoss: false),
        "pong": Scenario(
            name: "pong", clients: 10_000, groups: 1, rates: [10, 20], stepSeconds: 10, pingers: 100,
            stopOnLoss: false, targets: [.blaster, .relay]),
        "smoke": Scenario(
            name: "smoke", clients: 20, groups: 2, rates: [200], stepSeconds: 1, drainTimeout: 3),
    ]
}
