import NIOCore

/// A token bucket for one connection's incoming messages: `rate` per second on average,
/// up to `burst` at once.
struct MessageRate {
    private let rate: Double
    private let burst: Double
    private var tokens: Double
    private var last: NIODeadline

    init(perSecond rate: Int, burst: Int, now: NIODeadline) {
        self.rate = Double(max(1, rate))
        self.burst = Double(max(1, burst))
        self.tokens = self.burst
        self.last = now
    }

    /// Takes one message's token; false when the connection is over its rate.
    mutating func allow(now: NIODeadline) -> Bool {
        let elapsed = Double((now - last).nanoseconds) / 1e9
        tokens = min(burst, tokens + max(0, elapsed) * rate)
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
