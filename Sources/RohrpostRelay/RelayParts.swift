import Logging
import NIOCore
import RohrpostPostgres
import RohrpostProtocol
import RohrpostServer

/// What the LISTEN connection feeds: its state to the metrics and the fan-out's start, and
/// each page of journal events, encoded once, to the fan-out.
struct JournalFeed: Sendable {
    let fanOut: FanOut
    let metrics: RelayMetrics
    private let encoder = EventEncoder()

    init(fanOut: FanOut, metrics: RelayMetrics) {
        self.fanOut = fanOut
        self.metrics = metrics
    }

    /// The listener's connection changed state; once listening, the fan-out starts at `position`.
    @Sendable func statusChanged(_ status: ListenerStatus, _ position: Int64) {
        metrics.listenerStatusChanged(status)
        if status == .listening { fanOut.streamStarted(at: position) }
    }

    /// A page of new events, in position order.
    @Sendable func deliver(_ entries: [JournalEntry]) {
        metrics.received(entries)
        fanOut.publish(encoder.frames(for: entries))
    }
}

/// What the WebSocket server gives its clients besides the fan-out: resumes from the
/// journal, the HTTP endpoints, connection limits and SQL handlers, all through the
/// query connections.
struct ClientParts: Sendable {
    let configuration: RelayConfiguration
    let backlog: JournalBacklog
    let endpoints: HTTPEndpoints
    let limits: ConnectionLimits

    init(
        configuration: RelayConfiguration, queries: QueryPool, listener: Listener, fanOut: FanOut,
        captureStatus: CaptureStatus, metrics: RelayMetrics, logger: Logger
    ) {
        self.configuration = configuration
        backlog = JournalBacklog(
            pool: queries, maximumEvents: configuration.journal.maximumResumeEvents,
            aheadWait: configuration.journal.resumeAheadWait, logger: logger)
        limits = ConnectionLimits(
            total: configuration.server.maximumConnections, perAddress: configuration.server.maximumConnectionsPerAddress)
        endpoints = Relay.endpoints(
            listener: listener, fanOut: fanOut, limits: limits, capture: captureStatus,
            maximumCaptureLag: configuration.capture.maximumLag, metrics: metrics, text: configuration.metrics.text,
            livePage: configuration.livePage,
            publish: configuration.publish.map { Publisher(configuration: $0, pool: queries, metrics: metrics).endpoint })
    }

    /// The configured handlers, with the SQL handlers of `--sql-handlers` (through
    /// `queries`) as the fallback.
    func handlers(queries: QueryPool) -> HandlerRegistry {
        var handlers = configuration.handlers
        if let schema = configuration.sqlHandlersSchema {
            handlers.fallback = SQLHandlers(schema: schema, pool: queries).call
        }
        return handlers
    }

    /// The server, with the handlers registered by the time the relay runs.
    func server(handlers: HandlerRegistry, group: any EventLoopGroup, fanOut: FanOut, logger: Logger) -> WebSocketServer {
        WebSocketServer(
            configuration: configuration.server, group: group, fanOut: fanOut,
            accessPolicy: configuration.accessPolicy, backlogSource: backlog, handlers: handlers,
            endpoints: endpoints, limits: limits, logger: logger)
    }
}
