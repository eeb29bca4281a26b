import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import RelayTestSupport
import RohrpostPostgres
import Testing

/// Checks the live-test fixtures themselves: the PostgreSQL cluster and the WebSocket client.
@Suite struct TestSupportTests {
    @Test func databasesOfTheSharedClusterAreSeparate() async throws {
        let cluster = try await PostgresCluster.shared()
        let first = try await cluster.makeDatabase()
        let second = try await cluster.makeDatabase()
        #expect(first.name != second.name)

        try first.execute("CREATE TABLE only_here (id int PRIMARY KEY, note text); INSERT INTO only_here VALUES (1, NULL)")
        #expect(try first.query("SELECT id, note FROM only_here") == [["1", nil]])
        #expect(try second.query("SELECT to_regclass('only_here')::text") == [[nil]])
        #expect(throws: PostgresError.self) { try second.execute("SELECT * FROM only_here") }
    }

    @Test func testDatabaseReconnectsAfterItsBackendIsTerminated() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.makeDatabase()
        try database.execute("SELECT 1")

        let terminated = try await cluster.terminateBackends(
            database: database.name,
            applicationName: TestDatabase.applicationName
        )
        #expect(terminated == 1)
        #expect(try database.query("SELECT $1::int + 1", parameters: ["41"]) == [["42"]])
    }

    @Test func privateClusterRestartsOnTheSamePort() async throws {
        let cluster = try await PostgresCluster.start()
        defer { cluster.destroy() }
        let database = try await cluster.makeDatabase()
        try database.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)")

        try await cluster.stop()
        #expect(throws: PostgresError.self) { try database.query("SELECT id FROM kept") }
        try await cluster.start()
        #expect(try database.query("SELECT id FROM kept") == [["7"]])
    }

    @Test func webSocketClientTalksToAnEchoServer() async throws {
        let server = try await Self.startEchoServer()
        defer { server.close(promise: nil) }
        let client = try await WebSocketTestClient.connect(port: server.localAddress!.port!, path: "/echo")

        try await client.send(text: "grüezi")
        #expect(try await client.receive() == .text("grüezi"))
        try await client.expectNothing(for: .milliseconds(50))

        try await client.close(code: 4001, reason: "done")
        #expect(try await client.receive() == .close(code: 4001, reason: ""))
        await #expect(throws: TestSupportError.self) { try await client.receive(timeout: .milliseconds(50)) }
    }

    @Test func refusedUpgradeThrowsWithTheHTTPStatus() async throws {
        let server = try await Self.startEchoServer()
        defer { server.close(promise: nil) }

        let error = await #expect(throws: TestSupportError.self) {
            try await WebSocketTestClient.connect(port: server.localAddress!.port!, path: "/elsewhere")
        }
        #expect(error?.code == .upgradeFailed(status: 404))
    }

    /// A WebSocket server on a free port that echoes text and close frames; other paths get 404.
    private static func startEchoServer() async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    shouldUpgrade: { channel, head in
                        channel.eventLoop.makeSucceededFuture(head.uri == "/echo" ? HTTPHeaders() : nil)
                    },
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            channel.pipeline.syncOperations.removeHandler(name: "not-found", promise: nil)
                            try channel.pipeline.syncOperations.addHandler(EchoHandler())
                        }
                    }
                )
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                    )
                    try channel.pipeline.syncOperations.addHandler(NotFoundHandler(), name: "not-found")
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }
}

/// Sends text frames back and answers a close frame with the same status code.
private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let echo = WebSocketFrame(fin: true, opcode: .text, data: frame.unmaskedData)
            context.writeAndFlush(Self.wrapOutboundOut(echo), promise: nil)
        case .connectionClose:
            var payload = frame.unmaskedData
            var body = context.channel.allocator.buffer(capacity: 2)
            if let code = payload.readInteger(as: UInt16.self) { body.writeInteger(code) }
            let channel = context.channel
            context.writeAndFlush(Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: body)))
                .whenComplete { _ in channel.close(promise: nil) }
        default:
            break
        }
    }
}

/// Answers a request that was not upgraded with 404 and hangs up.
private final class NotFoundHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = Self.unwrapInboundIn(data) else { return }
        let head = HTTPResponseHead(version: .http1_1, status: .notFound, headers: ["Content-Length": "0"])
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
