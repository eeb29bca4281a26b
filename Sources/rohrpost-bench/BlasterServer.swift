import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// The baseline: a minimal WebSocket server that answers subscribe and ping like the relay
/// and writes pre-encoded frames to subscribers, with no database, journal or parsing of
/// events in the way. Same event-loop count and the same fan-out shape as the relay.
final class BlasterServer: Sendable {
    private let eventLoops: MultiThreadedEventLoopGroup
    private let tables: [ObjectIdentifier: NIOLoopBoundBox<BlasterTable>]

    init(threads: Int = System.coreCount) {
        eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var tables: [ObjectIdentifier: NIOLoopBoundBox<BlasterTable>] = [:]
        for loop in eventLoops.makeIterator() {
            tables[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeBoxSendingValue(BlasterTable(), eventLoop: loop)
        }
        self.tables = tables
    }

    /// Binds 127.0.0.1:`port` (0: any free port) and returns the port.
    func start(port: Int) async throws -> Int {
        let tables = tables
        let channel = try await ServerBootstrap(group: eventLoops)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: 1 << 16, automaticErrorHandling: true,
                    shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let pipeline = channel.pipeline.syncOperations
                            let writer = RawFrameWriter()
                            try pipeline.addHandler(writer, position: .first)
                            let table = tables[ObjectIdentifier(channel.eventLoop)]!.value
                            try pipeline.addHandler(BlasterConnection(table: table, writer: try pipeline.context(handler: writer)))
                        }
                    })
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return channel.localAddress?.port ?? port
    }

    /// Hands `frames` to every event loop, each writing them to its own subscribers.
    func publish(_ frames: [(group: Int, frame: ByteBuffer)]) {
        for table in tables.values {
            table.eventLoop.execute { table.value.deliver(frames) }
        }
    }
}

/// Paced rows turned into frames for the blaster.
final class BlasterRowSink: RowSink {
    private let server: BlasterServer
    private let groups: Int
    private let pad: String
    private let allocator = ByteBufferAllocator()

    init(server: BlasterServer, groups: Int, payloadBytes: Int) {
        self.server = server
        self.groups = groups
        self.pad = String(repeating: "x", count: payloadBytes)
    }

    func write(first: Int64, last: Int64, step: Int64) throws {
        let frames = stride(from: first, through: last, by: Int(step)).map {
            BlasterFrames.event(seq: $0, groups: groups, pad: pad, allocator: allocator)
        }
        server.publish(frames)
    }
}
