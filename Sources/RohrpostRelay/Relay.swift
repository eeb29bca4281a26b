import CoreMetrics
import Logging
import NIOCore
import NIOPosix
import RohrpostPostgres
import RohrpostProtocol
import RohrpostServer
import ServiceLifecycle
import Synchronization

/// The relay: one LISTEN connection to PostgreSQL feeding a WebSocket server.
///
/// A swift-service-lifecycle `Service`: `run()` serves until graceful shutdown or
/// cancellation, then stops accepting, closes every client with 1001 (going away),
/// releases the LISTEN connection, and returns.
public final class Relay: Service, Sendable {
    private let configuration: RelayConfiguration
    private let logger: Logger
    private let eventLoops: MultiThreadedEventLoopGroup
    private let fanOut: FanOut
    private let queries: QueryPool
    private let sequencer: Sequencer
    private let listener: Listener
    private let retention: JournalRetention
    private let lagSampler: SlotLagSampler
    private let clients: ClientParts
    private let registration: Mutex<HandlerRegistration>
    private let serving: EventLoopPromise<SocketAddress>

    /// Creates a relay's parts, in the order of the data path; nothing runs until `run()`.
    public init(configuration: RelayConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let connectionString = configuration.listener.connectionString
        let metrics = RelayMetrics(factory: configuration.metrics.factory ?? MetricsSystem.factory)
        let captureStatus = CaptureStatus()
        eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: configuration.server.eventLoopThreads)
        serving = eventLoops.next().makePromise(of: SocketAddress.self)
        // Subscribes wait until the LISTEN connection has fixed its first position.
        fanOut = FanOut(group: eventLoops, metrics: metrics.server, startsLive: false)
        queries = QueryPool(connectionString: connectionString, size: configuration.journal.queryConnections, logger: logger)
        sequencer = Sequencer(
            connectionString: connectionString, configuration: configuration.capture, pool: queries,
            status: captureStatus, logger: logger)
        let feed = JournalFeed(fanOut: fanOut, metrics: metrics)
        listener = Listener(
            configuration: configuration.listener, logger: logger, statusChanged: feed.statusChanged, deliver: feed.deliver)
        retention = JournalRetention(pool: queries, configuration: configuration.journal, logger: logger)
        lagSampler = SlotLagSampler(configuration: configuration.capture, pool: queries, status: captureStatus)
        clients = ClientParts(
            configuration: configuration, queries: queries, listener: listener, fanOut: fanOut,
            captureStatus: captureStatus, metrics: metrics, logger: logger)
        registration = Mutex(HandlerRegistration(handlers: clients.handlers(queries: queries)))
    }

    /// Registers `handler` for requests of type `name` (what rohrpost-js's
    /// `client.call(name, data)` sends). Call before `run()`.
    ///
    /// - Throws: when the name is built in (`ping`, `subscribe`, `unsubscribe`) or
    ///   already registered, or the relay already runs.
    public func handle(_ name: String, _ handler: @escaping HandlerRegistry.Handler) throws {
        try registration.withLock { registration in
            guard !registration.started else {
                throw RelayError("handlers must be registered before the relay runs ('\(name)')")
            }
            try registration.handlers.register(name, handler)
        }
    }

    /// The address the server listens on, once it does.
    public func waitUntilServing() async throws -> SocketAddress {
        try await serving.futureResult.get()
    }

    /// Whether the LISTEN connection is up and caught up with the journal.
    public var isListening: Bool { listener.status == .listening }

    /// Open client connections and groups with members, summed over event loops (a group
    /// with members on two loops counts twice).
    public func counts() async -> (connections: Int, groups: Int) {
        await fanOut.counts()
    }

    /// Serves until graceful shutdown or cancellation, then shuts down in order.
    public func run() async throws {
        let handlers = registration.withLock { registration in
            registration.started = true
            return registration.handlers
        }
        let services = ServiceGroup(configuration: .init(services: dataPath(handlers), logger: logger))
        var failure: (any Error)?
        do {
            try await services.run()
        } catch {
            failure = error
        }
        // Answers waitUntilServing if the server never bound (a no-op once it did).
        serving.fail(failure ?? RelayError("the relay stopped before it served"))
        try? await eventLoops.shutdownGracefully()
        if let failure { throw failure }
        logger.info("relay stopped")
    }

    /// The relay's parts in the order they depend on each other. They all start at once;
    /// graceful shutdown stops them from the last to the first: clients are closed (1001)
    /// first, the query connections last.
    private func dataPath(_ handlers: HandlerRegistry) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let (sequencer, retention, lagSampler) = (sequencer, retention, lagSampler)
        let (clients, eventLoops, fanOut, logger) = (clients, eventLoops, fanOut, logger)
        return [
            // Resumes, authorization, SQL handlers, retention and the lag sampler query here.
            .init(service: QueryPoolService(pool: queries), serviceName: "query connections"),
            // One replica at a time numbers committed transactions (trigger or logical capture).
            .init(service: LoopService { await sequencer.run() }, serviceName: "sequencer"),
            // Reads numbered events from the journal and hands them to the fan-out.
            .init(service: ListenerService(listener: listener), serviceName: "listener"),
            .init(
                service: LoopService { await retention.run() }, successTerminationBehavior: .ignore,
                serviceName: "journal retention"),
            .init(service: LoopService { await lagSampler.run() }, serviceName: "slot lag sampler"),
            // Accepts WebSocket clients; the fan-out sends them what the listener hands it.
            .init(
                service: ClientService(
                    server: { clients.server(handlers: handlers, group: eventLoops, fanOut: fanOut, logger: logger) },
                    fanOut: fanOut, serving: serving,
                    grace: configuration.shutdownGrace, logger: logger),
                serviceName: "WebSocket server"),
        ]
    }

    deinit {
        // A relay dropped without running still answers waitUntilServing (and its promise
        // must not be left unfulfilled).
        if !registration.withLock({ $0.started }) { serving.fail(RelayError("the relay was never run")) }
    }
}

/// The handlers a relay will serve, open for registration until it runs.
struct HandlerRegistration: ~Copyable {
    var handlers: HandlerRegistry
    var started = false
}

/// A misuse of the relay's API, in words.
public struct RelayError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
