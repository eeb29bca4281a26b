import RohrpostPostgres
import RohrpostServer

extension Relay {
    /// `/readyz` follows the LISTEN connection; `/metrics` samples the gauges, then reads
    /// `text`; with the live page, `/status` reports the counts it shows; `publish` serves
    /// its path.
    static func endpoints(
        listener: Listener, fanOut: FanOut, limits: ConnectionLimits, metrics: RelayMetrics, text: (@Sendable () -> String)?, livePage: Bool,
        publish: PublishEndpoint?
    ) -> HTTPEndpoints {
        var endpoints = HTTPEndpoints(readiness: { listener.status.readiness }, livePage: livePage, publish: publish)
        if let text {
            endpoints.metrics = { @Sendable () async -> String in
                metrics.sample(await fanOut.census())
                return text()
            }
        }
        if livePage {
            endpoints.status = { @Sendable () async -> String in
                statusJSON(
                    census: await fanOut.census(), clientAddresses: limits.distinctAddresses,
                    events: metrics.eventsReceivedSoFar, listening: listener.status == .listening)
            }
        }
        return endpoints
    }

    /// `{"clients":..,"client_addresses":..,"subscriptions":..,"groups":..,"events_received":..,"listening":..}`:
    /// counts since start; the page derives events/s from two readings. Client addresses
    /// are counted, never listed: the page is public.
    static func statusJSON(census: ServerCensus, clientAddresses: Int, events: Int, listening: Bool) -> String {
        #"{"clients":\#(census.connections),"client_addresses":\#(clientAddresses),"#
            + #""subscriptions":\#(census.subscriptions),"groups":\#(census.groups),"#
            + #""events_received":\#(events),"listening":\#(listening)}"# + "\n"
    }
}
