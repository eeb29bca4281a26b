import RohrpostPostgres
import RohrpostServer

extension Relay {
    /// `/readyz` follows the LISTEN connection; `/metrics` samples the gauges, then reads `text`.
    static func endpoints(
        listener: Listener, fanOut: FanOut, metrics: RelayMetrics, text: (@Sendable () -> String)?
    ) -> HTTPEndpoints {
        var endpoints = HTTPEndpoints(readiness: { listener.status.readiness })
        if let text {
            endpoints.metrics = { @Sendable () async -> String in
                metrics.sample(await fanOut.census())
                return text()
            }
        }
        return endpoints
    }
}
