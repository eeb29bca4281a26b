import Metrics
import Prometheus
import RohrpostRelay

/// Sets up swift-metrics once for the process with a Prometheus registry, and returns the
/// export that has the relay serve that registry at `GET /metrics`.
func bootstrapMetrics() -> MetricsExport {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return MetricsExport(text: { registry.emitToString() })
}
