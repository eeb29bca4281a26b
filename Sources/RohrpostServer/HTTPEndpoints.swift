/// What the plain HTTP endpoints next to the WebSocket path report: `GET /readyz` and
/// `GET /metrics`. Whoever runs the server supplies them, so this module knows neither
/// PostgreSQL nor a metrics backend.
public struct HTTPEndpoints: Sendable {
    /// Whether the server should get traffic, asked on an event loop at every `GET /readyz`,
    /// so it must answer at once. Defaults to always ready.
    public var readiness: @Sendable () -> Readiness
    /// The metrics in Prometheus text format for `GET /metrics`; nil answers 404.
    /// Defaults to nil.
    public var metrics: (@Sendable () async -> String)?

    /// Creates endpoints that report `readiness` and serve `metrics`.
    public init(
        readiness: @escaping @Sendable () -> Readiness = { .ready },
        metrics: (@Sendable () async -> String)? = nil
    ) {
        self.readiness = readiness
        self.metrics = metrics
    }
}

/// Whether a server is ready for traffic, and if not, why (the `GET /readyz` body).
public enum Readiness: Sendable, Hashable {
    /// Ready: `GET /readyz` answers 200.
    case ready
    /// Not ready: `GET /readyz` answers 503 with `reason`.
    case notReady(reason: String)
}
