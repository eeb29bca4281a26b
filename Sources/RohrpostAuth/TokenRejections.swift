import Logging
import Synchronization

/// What the operator learns of refused tokens and subscribes: each refusal is counted by
/// its reason (`count`, which the relay's executable turns into
/// `rohrpost_token_rejections_total{reason=...}`), and the first of each reason is logged
/// at info level, then at most once per `logInterval` with how many came in between, so
/// a client retrying a bad token cannot flood the log. The token itself is never logged.
public final class TokenRejections: Sendable {
    /// The reasons beyond `TokenRejection.reason`: no token was sent, or the token was
    /// valid but the claims or the SQL function did not allow the group.
    public static let noToken = "no_token"
    /// The `groups` claim (or the one configured) does not allow the group.
    public static let groupNotAllowed = "group_not_allowed"
    /// The SQL authorization function did not allow the group.
    public static let sqlDenied = "sql_denied"

    private let logger: Logger
    private let count: @Sendable (String) -> Void
    private let limiter: Mutex<RejectionLogLimiter>

    /// Reports to `logger`, and hands each reason to `count`.
    ///
    /// - Parameter logInterval: How often each reason is logged again after its first.
    ///   Defaults to 60 seconds.
    public init(logger: Logger, logInterval: Duration = .seconds(60), count: @escaping @Sendable (String) -> Void = { _ in }) {
        self.logger = logger
        self.count = count
        limiter = Mutex(RejectionLogLimiter(interval: logInterval))
    }

    /// Counts a refusal for `reason`, and logs it when the limiter lets it; `detail` says
    /// more (e.g. "token expired"), never the token.
    public func rejected(_ reason: String, detail: String, group: String? = nil) {
        count(reason)
        var metadata: Logger.Metadata = ["auth.reason": "\(detail)"]
        if let group { metadata["group"] = "\(group)" }
        let decision = limiter.withLock { $0.record(reason, at: .now) }
        if let skipped = decision {
            if skipped > 0 { metadata["auth.refusedSinceLastLog"] = "\(skipped)" }
            logger.info("refused a token or subscribe: \(reason) (the client hears ACCESS_DENIED)", metadata: metadata)
        } else {
            logger.debug("refused a token or subscribe: \(reason)", metadata: metadata)
        }
    }
}

/// Decides which refusals are logged: the first of each reason, then one per interval.
public struct RejectionLogLimiter: Sendable {
    /// How long after a reason was logged it is logged again.
    public let interval: Duration
    private var reasons: [String: (loggedAt: ContinuousClock.Instant, skipped: Int)] = [:]

    /// A limiter that logs each reason at most once per `interval`.
    public init(interval: Duration) {
        self.interval = interval
    }

    /// Records a refusal for `reason` at `now`: the number of refusals of that reason left
    /// unlogged since it was last logged when this one is to be logged, else nil.
    public mutating func record(_ reason: String, at now: ContinuousClock.Instant) -> Int? {
        guard let last = reasons[reason] else {
            reasons[reason] = (now, 0)
            return 0
        }
        guard now - last.loggedAt >= interval else {
            reasons[reason] = (last.loggedAt, last.skipped + 1)
            return nil
        }
        reasons[reason] = (now, 0)
        return last.skipped
    }
}
