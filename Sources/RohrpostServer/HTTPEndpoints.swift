/// What the plain HTTP endpoints next to the WebSocket path report: `GET /readyz`,
/// `GET /metrics` and `GET /status`, whether `GET /` serves the live page, and who
/// answers `POST` to the publish path. Whoever runs
/// the server supplies them, so this module knows neither PostgreSQL nor a metrics backend.
public struct HTTPEndpoints: Sendable {
    /// Whether the server should get traffic, asked on an event loop at every `GET /readyz`,
    /// so it must answer at once. Defaults to always ready.
    public var readiness: @Sendable () -> Readiness
    /// The metrics in Prometheus text format for `GET /metrics`; nil answers 404.
    /// Defaults to nil.
    public var metrics: (@Sendable () async -> String)?
    /// The server's status as a JSON object for `GET /status`, which the live page polls;
    /// nil answers 404. Defaults to nil.
    public var status: (@Sendable () async -> String)?
    /// Whether `GET /` serves the live page (with its scripts). Defaults to false.
    public var livePage: Bool
    /// `POST` messages to groups, for services without a database connection; nil serves
    /// no such path. Defaults to nil.
    public var publish: PublishEndpoint?

    /// Creates endpoints that report `readiness` and `status`, serve `metrics`, and the
    /// live page if `livePage`.
    public init(
        readiness: @escaping @Sendable () -> Readiness = { .ready },
        metrics: (@Sendable () async -> String)? = nil,
        status: (@Sendable () async -> String)? = nil,
        livePage: Bool = false,
        publish: PublishEndpoint? = nil
    ) {
        self.readiness = readiness
        self.metrics = metrics
        self.status = status
        self.livePage = livePage
        self.publish = publish
    }
}

/// Whether a server is ready for traffic, and if not, why (the `GET /readyz` body).
public enum Readiness: Sendable, Hashable {
    /// Ready: `GET /readyz` answers 200.
    case ready
    /// Not ready: `GET /readyz` answers 503 with `reason`.
    case notReady(reason: String)
}
