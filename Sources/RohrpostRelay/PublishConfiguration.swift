import RohrpostAuth

/// `POST /publish` (or another path): services without a database connection publish
/// messages through `rohrpost.send`. A publisher sends `Authorization: Bearer <JWT>`,
/// verified with the relay's keys; its `publish` claim lists the group patterns it may
/// send to.
public struct PublishConfiguration: Sendable {
    /// The request path. Defaults to `/publish`.
    public var path = "/publish"
    /// The largest body accepted; larger ones are answered 413. Defaults to 1 MiB.
    public var maximumBodySize = 1024 * 1024
    /// The claim listing the group patterns a publisher may send to. Defaults to `publish`.
    public var claim = "publish"
    /// The verifier of publishers' tokens, asked per request (keys may be reloaded).
    public var verifier: @Sendable () -> TokenVerifier

    /// Publishing with tokens `verifier` accepts.
    public init(verifier: @escaping @Sendable () -> TokenVerifier) {
        self.verifier = verifier
    }
}
