/// Decides whether a connection may join a group. The relay asks it on every subscribe.
///
/// Deciding may take time (a token check, a database query), so the answer comes through
/// a completion handler, which the relay carries back to the connection's event loop.
public protocol AccessPolicy: Sendable {
    /// Decides whether a client presenting `token` (the request's `auth_jwt`, if any) may
    /// subscribe to `group`, and calls `completion` exactly once, on any thread.
    func authorize(subscribeTo group: String, token: String?, completion: @escaping @Sendable (AccessDecision) -> Void)
}

/// The answer of an `AccessPolicy`.
public enum AccessDecision: Sendable, Hashable {
    /// The subscribe may go ahead; with an instant, the token that allowed it expires
    /// then, and the connection is closed with 4401 ("token expired") at that moment.
    case allowed(until: ContinuousClock.Instant?)
    /// Refused: the client is told `ACCESS_DENIED`, nothing more.
    case denied
}

/// Lets everyone subscribe to every group: for demos and trusted networks only.
public struct OpenAccess: AccessPolicy {
    /// Creates the open policy.
    public init() {}

    public func authorize(subscribeTo group: String, token: String?, completion: @escaping @Sendable (AccessDecision) -> Void) {
        completion(.allowed(until: nil))
    }
}
