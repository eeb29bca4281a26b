import RohrpostPostgres
import RohrpostServer

extension Relay {
    /// `/readyz` follows the LISTEN connection; `/metrics` samples the gauges, then reads
    /// `text`; with the live page, `/status` reports the counts it shows; `publish` serves
    /// its path.
    static func endpoints(
        listener: Listener, fanOut: FanOut, limits: ConnectionLimits, capture: CaptureStatus,
        maximumCaptureLag: Duration, metrics: RelayMetrics, text: (@Sendable () -> String)?, livePage: Bool,
        publish: PublishEndpoint?
    ) -> HTTPEndpoints {
        let readiness: @Sendable () -> Readiness = {
            let reading = capture.reading
            let bound = Double(maximumCaptureLag.components.seconds)
            if listener.status == .listening, reading.mode == .logical, reading.lagSeconds > bound {
                return .notReady(
                    reason: "the replication slot is \(Int(reading.lagSeconds)) s behind (\(reading.lagBytes) bytes), more than --max-capture-lag")
            }
            return listener.status.readiness
        }
        var endpoints = HTTPEndpoints(readiness: readiness, livePage: livePage, publish: publish)
        if let text {
            endpoints.metrics = { @Sendable () async -> String in
                metrics.sample(await fanOut.census())
                metrics.sample(capture.reading)
                return text()
            }
        }
        if livePage {
            endpoints.status = { @Sendable () async -> String in
                statusJSON(
                    census: await fanOut.census(), clientAddresses: limits.distinctAddresses,
                    events: metrics.eventsReceivedSoFar, listening: listener.status == .listening, capture: capture.reading)
            }
        }
        return endpoints
    }

    /// `{"clients":..,"client_addresses":..,"subscriptions":..,"groups":..,"events_received":..,"listening":..}`:
    /// counts since start; the page derives events/s from two readings. Client addresses
    /// are counted, never listed: the page is public.
    static func statusJSON(
        census: ServerCensus, clientAddresses: Int, events: Int, listening: Bool, capture: CaptureStatus.Reading
    ) -> String {
        let logical =
            capture.mode == .logical
            ? #","capture":{"mode":"logical","holding_slot":\#(capture.holding),"lag_bytes":\#(capture.lagBytes),"lag_seconds":\#(Int(capture.lagSeconds))}"#
            : ""
        return #"{"clients":\#(census.connections),"client_addresses":\#(clientAddresses),"#
            + #""subscriptions":\#(census.subscriptions),"groups":\#(census.groups),"#
            + #""events_received":\#(events),"listening":\#(listening)\#(logical)}"# + "\n"
    }
}
