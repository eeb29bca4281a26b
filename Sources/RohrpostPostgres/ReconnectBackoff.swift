/// How long to wait before each attempt to reconnect: exponential, capped, with jitter so
/// many relays that lost the same server do not return in lockstep.
public struct ReconnectBackoff: Sendable {
    /// The wait before the first retry. Defaults to 100 ms.
    public var initialDelay: Duration
    /// The longest wait between attempts. Defaults to 10 s.
    public var maximumDelay: Duration
    /// A number in 0...1 drawn per attempt; the wait is between half and all of the
    /// exponential delay. Tests pass a constant.
    public var randomFraction: @Sendable () -> Double

    /// Creates a backoff policy.
    public init(
        initialDelay: Duration = .milliseconds(100),
        maximumDelay: Duration = .seconds(10),
        randomFraction: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.randomFraction = randomFraction
    }

    /// The wait before retry number `attempt` (0 for the first retry).
    public func delay(attempt: Int) -> Duration {
        let exponential = initialDelay * Int(1 << min(attempt, 20))
        let capped = min(exponential, maximumDelay)
        return capped / 2 + (capped / 2) * randomFraction()
    }
}
