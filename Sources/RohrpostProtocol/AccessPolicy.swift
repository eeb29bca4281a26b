/// Decides whether a connection may join a group. The relay asks it on every subscribe.
///
/// Deciding may take time (a token check, a database query), so it is async; the relay
/// carries the answer back to the connection's event loop.
public protocol AccessPolicy: Sendable {
    /// Decides whether a client presenting `token` (the request's `auth_jwt`, if any) may
    /// subscribe to `group`.
    func authorize(subscribeTo group: String, token: String?) async -> AccessDecision

    /// Checks the token of a custom call (any request but ping, subscribe and unsubscribe).
    func authenticate(token: String?) async -> Authentication
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

    public func authorize(subscribeTo group: String, token: String?) async -> AccessDecision {
        .allowed(until: nil)
    }
}

/// Who sent a request other than a subscribe (a custom call), as far as its token says.
public enum Authentication: Sendable, Hashable {
    /// The relay checks no tokens: the call goes ahead without claims.
    case anonymous
    /// The token is valid; handlers receive its claims.
    case verified(claims: JSONValue)
    /// The token is missing or invalid: the client is told `ACCESS_DENIED`.
    case denied
}

extension AccessPolicy {
    /// Checks the token of a custom call. Policies that check tokens implement this; by
    /// default calls go ahead without claims.
    public func authenticate(token: String?) async -> Authentication {
        .anonymous
    }
}
