/// How long the trigger-capture sequencer waits before it looks for new commits again:
/// `active` while commits flow (or may be committing right now), then twice as long after
/// each empty look, up to `idle`. A value: the scan loop tells it what each look found.
///
/// Writers send no NOTIFY, so polling is how the sequencer learns of commits; the backoff
/// keeps an idle relay's cost to the database small (BENCHMARKS.md has the figures).
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

    /// A look numbered `transactions` and found writers that may be committing (`pending`);
    /// returns how long to wait before the next.
    mutating func looked(numbered transactions: Int, pending: Bool) -> Duration {
        delay = transactions > 0 || pending ? active : min(delay * 2, idle)
        return delay
    }
}
