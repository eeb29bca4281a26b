import NIOCore

/// Hands encoded messages to every event loop, each of which writes them to its own
/// subscribers. Safe to call from any thread; never waits for a client.
public final class FanOut: Sendable {
    private let tables: [ObjectIdentifier: NIOLoopBoundBox<LoopSubscriptions>]
    /// The server's counters; deliveries and connections count into them.
    let metrics: ServerMetrics
    /// Subscribes wait here until the stream of published messages has started.
    let liveStream: LiveStreamStart

    /// Creates one subscription table per loop of `group`, counting into `metrics`.
    ///
    /// - Parameter startsLive: false when the publisher fixes its first position later
    ///   (a LISTEN connection that has yet to connect): subscribes are then confirmed only
    ///   after `streamStarted()`, so none misses an event committed after its reply.
    public convenience init(group: any EventLoopGroup, metrics: ServerMetrics = ServerMetrics(), startsLive: Bool = true) {
        self.init(group: group, metrics: metrics, startsLive: startsLive, flushesPerSlice: 512)
    }

    /// As above, with `flushesPerSlice` connections flushed per loop before it reads its
    /// sockets again (see `LoopSubscriptions`).
    init(group: any EventLoopGroup, metrics: ServerMetrics, startsLive: Bool, flushesPerSlice: Int) {
        var tables: [ObjectIdentifier: NIOLoopBoundBox<LoopSubscriptions>] = [:]
        let liveStream = LiveStreamStart(started: startsLive)
        for loop in group.makeIterator() {
            tables[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeBoxSendingValue(
                LoopSubscriptions(eventLoop: loop, metrics: metrics, liveStream: liveStream, flushesPerSlice: flushesPerSlice),
                eventLoop: loop)
        }
        self.tables = tables
        self.metrics = metrics
        self.liveStream = liveStream
    }

    /// Tells the fan-out that every message after `position` (when the publisher knows
    /// it) will be published; subscribes that waited for this go ahead, and a subscription
    /// made before the first message can name where it starts.
    public func streamStarted(at position: Int64? = nil) {
        liveStream.markStarted(after: position)
    }

    /// Sends `messages`, in order, to the subscribers of their groups.
    public func publish(_ messages: [GroupMessage]) {
        guard !messages.isEmpty else { return }
        for table in tables.values {
            table.eventLoop.execute {
                table.value.deliver(messages)
            }
        }
    }

    /// Closes every connection with `code` and waits until the close frames are written.
    ///
    /// A client that does not take its close frame within `grace` (it is behind on reading)
    /// is dropped then.
    public func closeAllConnections(with code: WebSocketCloseCode, grace: Duration = .seconds(1)) async {
        await withTaskGroup(of: Void.self) { group in
            for table in tables.values {
                group.addTask {
                    let closed = table.eventLoop.flatSubmit {
                        let futures = table.value.allConnections.map { $0.close(with: code, grace: TimeAmount(grace)) }
                        return EventLoopFuture.andAllComplete(futures, on: table.eventLoop)
                    }
                    try? await closed.get()
                }
            }
        }
    }

    /// Connections and groups across all loops (a group on two loops counts twice).
    public func counts() async -> (connections: Int, groups: Int) {
        var connections = 0
        var groups = 0
        for table in tables.values {
            let (c, g) = (try? await table.eventLoop.submit { (table.value.connectionCount, table.value.groupCount) }.get()) ?? (0, 0)
            connections += c
            groups += g
        }
        return (connections, groups)
    }

    /// Connections, subscriptions and groups across all loops, for metrics.
    public func census() async -> ServerCensus {
        var census = ServerCensus()
        for table in tables.values {
            let loop = try? await table.eventLoop.submit {
                (table.value.connectionCount, table.value.subscriptionCount, table.value.groupCount)
            }.get()
            census.connections += loop?.0 ?? 0
            census.subscriptions += loop?.1 ?? 0
            census.groups += loop?.2 ?? 0
        }
        return census
    }

    /// The table of `loop`; only to be used on that loop.
    func subscriptions(on loop: any EventLoop) -> LoopSubscriptions {
        guard let table = tables[ObjectIdentifier(loop)] else {
            preconditionFailure("connection on an event loop the fan-out does not know")
        }
        return table.value
    }
}
