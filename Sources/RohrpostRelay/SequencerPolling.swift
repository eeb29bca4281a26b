/// How long the trigger-capture sequencer waits before it looks for new commits again:
/// `active` (the batch window) while commits flow or may be committing right now, then
/// twice as long after each empty look, up to `idle`. A value: the scan loop tells it what
/// each look found.
///
/// Writers send no NOTIFY, so polling is how the sequencer learns of commits; the backoff
/// keeps an idle relay's cost to the database small. Under load the window stretches: after
/// a batch of `busyBatch` transactions or more (4,000 commits/s at 2 ms) the next look waits
/// `busyStretch` windows, since every numbering costs the database a WAL flush and every
/// replica a journal read whatever its size, while a light load keeps the short latency
/// (BENCHMARKS.md has the figures).
struct SequencerPolling: Sendable, Hashable {
    /// The wait while commits flow (the batch window). Defaults to 2 ms.
    let active: Duration
    /// The longest wait, once idle. Defaults to 50 ms.
    let idle: Duration
    /// The wait before the next look.
    private(set) var delay: Duration

    init(active: Duration = .milliseconds(2), idle: Duration = .milliseconds(50)) {
        self.active = active
        self.idle = max(idle, active)
        self.delay = active
    }

    /// A batch this large makes the next wait `busyStretch` windows long.
    static let busyBatch = 8
    /// How many windows a busy sequencer waits.
    static let busyStretch = 3

    /// A look numbered `transactions` and found writers that may be committing (`pending`);
    /// returns how long to wait before the next.
    mutating func looked(numbered transactions: Int, pending: Bool) -> Duration {
        if transactions >= Self.busyBatch {
            delay = active * Self.busyStretch
        } else if transactions > 0 || pending {
            delay = active
        } else {
            delay = min(delay * 2, idle)
        }
        return delay
    }
}
