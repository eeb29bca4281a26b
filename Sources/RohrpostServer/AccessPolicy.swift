/// Decides whether a connection may join a group. The relay asks it on every subscribe.
public protocol AccessPolicy: Sendable {
    /// Whether a client presenting `token` (the request's `auth_jwt`, if any) may
    /// subscribe to `group`.
    func allowsSubscribe(to group: String, token: String?) -> Bool
}

/// Lets everyone subscribe to every group: for demos and trusted networks only.
public struct OpenAccess: AccessPolicy {
    /// Creates the open policy.
    public init() {}

    public func allowsSubscribe(to group: String, token: String?) -> Bool { true }
}
