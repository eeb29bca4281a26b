import CoreMetrics
import Foundation
import RohrpostPostgres
import RohrpostServer
import Synchronization

/// The relay's measurements: what the LISTEN connection received and how it fared, and
/// the gauges sampled whenever metrics are read. Names are `rohrpost_...`, with no
/// per-client or per-group labels.
final class RelayMetrics: Sendable {
    /// The server's counters, made with the same factory.
    let server: ServerMetrics
    private let eventsReceived: Counter
    private let listenConnected: Gauge
    private let listenReconnects: Counter
    private let lastEventAge: Gauge
    private let clients: Gauge
    private let subscriptions: Gauge
    private let groups: Gauge
    private let commitToPublish: CoreMetrics.Timer
    private let factory: any MetricsFactory
    /// When the last event arrived; until one does, when the relay was created.
    private let lastEvent = Mutex(ContinuousClock.now)
    private let hasListened = Atomic<Bool>(false)
    private let eventCount = Atomic<Int>(0)

    /// Events read from the journal since the relay started, for `GET /status`.
    var eventsReceivedSoFar: Int { eventCount.load(ordering: .relaxed) }

    /// Creates the relay's metrics with `factory`.
    init(factory: any MetricsFactory) {
        server = ServerMetrics(factory: factory)
        eventsReceived = Counter(label: "rohrpost_events_received_total", factory: factory)
        listenConnected = Gauge(label: "rohrpost_listen_connected", factory: factory)
        listenReconnects = Counter(label: "rohrpost_listen_reconnects_total", factory: factory)
        lastEventAge = Gauge(label: "rohrpost_last_event_age_seconds", factory: factory)
        clients = Gauge(label: "rohrpost_clients_connected", factory: factory)
        subscriptions = Gauge(label: "rohrpost_subscriptions", factory: factory)
        groups = Gauge(label: "rohrpost_groups", factory: factory)
        commitToPublish = CoreMetrics.Timer(label: "rohrpost_commit_to_send_seconds", factory: factory)
        self.factory = factory
    }

    /// Records whether this replica holds the sequencer role (both modes) and logical
    /// capture's gauges: whether it holds the slot (the role, in that mode), and its lag.
    func sample(_ capture: CaptureStatus.Reading) {
        Gauge(label: "rohrpost_sequencer_holding", factory: factory).record(capture.holding ? 1 : 0)
        guard capture.mode == .logical else { return }
        Gauge(label: "rohrpost_capture_holding_slot", factory: factory).record(capture.holding ? 1 : 0)
        Gauge(label: "rohrpost_capture_lag_bytes", factory: factory).record(capture.lagBytes)
        Gauge(label: "rohrpost_capture_lag_seconds", factory: factory).record(capture.lagSeconds)
    }

    /// Counts a `POST /publish` request by the status it was answered with.
    func published(status: Int) {
        Counter(label: "rohrpost_publish_requests_total", dimensions: [("status", String(status))], factory: factory)
            .increment()
    }

    /// Counts a page of events the listener read from the journal (on its thread).
    func received(_ entries: [JournalEntry]) {
        guard !entries.isEmpty else { return }
        eventsReceived.increment(by: entries.count)
        // From the writer's commit to the relay handing the frames to the event loops.
        let now = Date().timeIntervalSince1970
        for entry in entries {
            guard let committedAt = entry.committedAt else { continue }
            commitToPublish.recordNanoseconds(Int64(max(0, now - committedAt) * 1e9))
        }
        eventCount.add(entries.count, ordering: .relaxed)
        lastEvent.withLock { $0 = .now }
    }

    /// Follows the LISTEN connection: up or not, and each loss after it was up once.
    func listenerStatusChanged(_ status: ListenerStatus) {
        listenConnected.record(status == .listening ? 1 : 0)
        switch status {
        case .listening:
            hasListened.store(true, ordering: .relaxed)
        case .connecting where hasListened.load(ordering: .relaxed):
            listenReconnects.increment()
        case .connecting, .stopped:
            break
        }
    }

    /// Records the gauges that are read rather than counted: clients, subscriptions,
    /// groups and the age of the last event.
    func sample(_ census: ServerCensus) {
        clients.record(census.connections)
        subscriptions.record(census.subscriptions)
        groups.record(census.groups)
        let age = lastEvent.withLock { ContinuousClock.now - $0 }
        lastEventAge.record(Double(age.components.seconds) + Double(age.components.attoseconds) / 1e18)
    }
}
