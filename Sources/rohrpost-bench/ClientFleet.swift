import NIOCore
import NIOPosix

/// N WebSocket clients, each subscribed to one group, spread over loopback source
/// addresses and over this process's event loops: all the clients of a run, or one shard
/// of them (see `ShardedClients`).
final class ClientFleet: Clients {
    /// How the clients are made.
    struct Plan: Sendable, Codable {
        var host = "127.0.0.1"
        var port: Int
        var path = "/ws/rohrpost/"
        /// Clients of this fleet: numbers `firstIndex ..< firstIndex + clients` of the run's
        /// `totalClients`. The number decides a client's group, source address, and whether
        /// it pings or stalls, so a run split into shards behaves as one.
        var clients: Int
        var firstIndex = 0
        var totalClients: Int
        var groups: Int
        /// Source addresses 127.0.0.1 ... 127.0.0.<sources>, round robin.
        var sources = 8
        /// The last `stalled` clients of the run stop reading once subscribed (when told to).
        var stalled = 0
        /// SO_RCVBUF of the stalled clients, set before connecting; nil: the system default.
        var stalledReceiveBuffer: Int? = nil
        /// The first `pingers` clients of the run ping every `pingIntervalMilliseconds`.
        var pingers = 0
        var pingIntervalMilliseconds: Int64 = 200
        /// Connections being opened at once.
        var concurrentConnects = 256

        init(port: Int, clients: Int, groups: Int) {
            self.port = port
            self.clients = clients
            self.totalClients = clients
            self.groups = groups
        }

        /// The plan of the clients `range` (run-wide numbers) of this one.
        func shard(_ range: Range<Int>) -> Plan {
            var shard = self
            shard.firstIndex = range.lowerBound
            shard.clients = range.count
            return shard
        }

        /// Run-wide numbers of this fleet's clients.
        var indices: Range<Int> { firstIndex..<(firstIndex + clients) }
    }

    private let eventLoops: MultiThreadedEventLoopGroup
    private let loops: [NIOLoopBoundBox<LoopStats>]
    private let channels: [any Channel]
    private let stalledChannels: [any Channel]
    private let pingTasks: [RepeatedTask]

    private init(
        eventLoops: MultiThreadedEventLoopGroup, loops: [NIOLoopBoundBox<LoopStats>], channels: [any Channel],
        stalledChannels: [any Channel], pingTasks: [RepeatedTask]
    ) {
        self.eventLoops = eventLoops
        self.loops = loops
        self.channels = channels
        self.stalledChannels = stalledChannels
        self.pingTasks = pingTasks
    }

    /// Connects and subscribes every client; throws with the first failure.
    static func connect(_ plan: Plan, threads: Int = System.coreCount) async throws -> ClientFleet {
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var boxes: [ObjectIdentifier: NIOLoopBoundBox<LoopStats>] = [:]
        for loop in eventLoops.makeIterator() {
            boxes[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeBoxSendingValue(LoopStats(), eventLoop: loop)
        }
        let request = ClientFrames.upgradeRequest(host: plan.host, port: plan.port, path: plan.path)
        var channels: [any Channel] = []
        channels.reserveCapacity(plan.clients)
        do {
            var next = plan.indices.lowerBound
            while next < plan.indices.upperBound {
                let batch = next..<min(plan.indices.upperBound, next + plan.concurrentConnects)
                let futures = batch.map { index in
                    connectOne(index: index, plan: plan, request: request, loop: eventLoops.next(), boxes: boxes)
                }
                channels += try await EventLoopFuture.whenAllSucceed(futures, on: eventLoops.next()).get()
                next = batch.upperBound
            }
        } catch {
            for channel in channels { channel.close(promise: nil) }
            try? await eventLoops.shutdownGracefully()
            throw BenchError("connecting client \(plan.firstIndex + channels.count + 1) of \(plan.totalClients) to ws://\(plan.host):\(plan.port)\(plan.path) failed: \(error)")
        }
        let pingers = max(0, min(plan.clients, plan.pingers - plan.firstIndex))
        let pingInterval = TimeAmount.milliseconds(plan.pingIntervalMilliseconds)
        let pingTasks = channels.prefix(pingers).map { channel in
            channel.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in
                let frame = ClientFrames.text(ClientFrames.ping(sentAtMicros: wallClockMicros()), allocator: channel.allocator)
                channel.writeAndFlush(frame, promise: nil)
            }
        }
        let stalled = max(0, min(plan.clients, plan.indices.upperBound - (plan.totalClients - plan.stalled)))
        return ClientFleet(
            eventLoops: eventLoops, loops: Array(boxes.values), channels: channels,
            stalledChannels: Array(channels.suffix(stalled)), pingTasks: pingTasks)
    }

    private static func connectOne(
        index: Int, plan: Plan, request: String, loop: any EventLoop, boxes: [ObjectIdentifier: NIOLoopBoundBox<LoopStats>]
    ) -> EventLoopFuture<any Channel> {
        let ready = loop.makePromise(of: Void.self)
        let box = boxes[ObjectIdentifier(loop)]!
        let group = index % max(1, plan.groups)
        let isStalled = index >= plan.totalClients - plan.stalled
        let source: SocketAddress
        do {
            source = try SocketAddress(ipAddress: "127.0.0.\(1 + index % max(1, plan.sources))", port: 0)
        } catch {
            return loop.makeFailedFuture(error)
        }
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        if isStalled, let receiveBuffer = plan.stalledReceiveBuffer {
            // A small window keeps the kernel from absorbing what the relay must hold and limit.
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer))
        }
        let connected = bootstrap
            .bind(to: source)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let stats = ClientStats(group: group, isStalled: isStalled)
                    box.value.clients.append(stats)
                    try channel.pipeline.syncOperations.addHandler(
                        BenchClientHandler(stats: stats, loop: box.value, request: request, ready: ready))
                }
            }
            .connect(host: plan.host, port: plan.port)
        connected.whenFailure { ready.fail($0) }
        return connected.flatMap { channel in
            ready.futureResult.map { channel }
        }
    }

    /// Stops (or restarts) reading on the stalled clients.
    func setStalledReading(_ reading: Bool) async {
        for channel in stalledChannels {
            try? await channel.setOption(.autoRead, value: reading).get()
        }
    }

    /// The step's counts so far over all loops; `expected[g]` events were written to group g.
    func tally(expected: [Int]) async throws -> StepTally {
        var total = StepTally()
        for box in loops {
            total.merge(try await box.eventLoop.submit { box.value.tally(expected: expected) }.get())
        }
        return total
    }

    /// Clears the counters for the next step.
    func reset() async throws {
        for box in loops {
            try await box.eventLoop.submit { box.value.reset() }.get()
        }
    }

    /// Closes every client and stops the event loops.
    func close() async {
        for task in pingTasks { task.cancel() }
        for channel in channels { channel.close(promise: nil) }
        for channel in channels { try? await channel.closeFuture.get() }
        try? await eventLoops.shutdownGracefully()
    }
}
