import CoreMetrics

/// Where a relay's metrics go, and what `GET /metrics` serves.
///
/// The executable bootstraps swift-metrics with a Prometheus registry and sets `text` to
/// that registry's output; tests give each relay a registry of its own through `factory`.
public struct MetricsExport: Sendable {
    /// The factory the relay makes its counters and gauges with; nil uses swift-metrics'
    /// global factory, as the executable bootstrapped it. Defaults to nil.
    public var factory: (any MetricsFactory)?
    /// The metrics in Prometheus text format, read at each `GET /metrics` right after the
    /// relay sampled its gauges; nil answers 404. Defaults to nil.
    public var text: (@Sendable () -> String)?

    /// Creates an export to `factory` served as `text`.
    public init(factory: (any MetricsFactory)? = nil, text: (@Sendable () -> String)? = nil) {
        self.factory = factory
        self.text = text
    }
}
