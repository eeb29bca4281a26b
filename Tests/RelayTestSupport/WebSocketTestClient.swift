import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A real WebSocket client over TCP for live tests, on the shared NIO event loop group.
///
/// Incoming messages are buffered in order (fragments joined) until `receive` takes them;
/// pings are answered on the event loop, so hundreds of idle clients cost no tasks.
public final class WebSocketTestClient: Sendable {
    /// One message from the server.
    public enum Received: Sendable, Equatable {
        /// A text message.
        case text(String)
        /// A binary message.
        case binary([UInt8])
        /// A close frame; `code` is nil when the frame had no body.
        case close(code: UInt16?, reason: String)
    }

    private enum Upgrade: Sendable {
        case upgraded
        case refused(EventLoopFuture<HTTPResponseHead>)
    }

    private let channel: any Channel
    private let inbox: Inbox

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    deinit {
        // A client a test dropped without `close` must not keep its connection for the whole run.
        self.channel.close(promise: nil)
    }

    /// Opens a TCP connection and upgrades it to WebSocket; a refused upgrade throws with its HTTP status.
    ///
    /// `transport` adds handlers in front of HTTP, such as a TLS client handler for `wss://`.
    /// `sourceAddress` binds the client's end to that local address (any of 127/8 on
    /// Linux), so one test can be many clients of different addresses.
    public static func connect(
        host: String = "127.0.0.1",
        port: Int,
        path: String = "/ws/rohrpost/",
        headers: [(String, String)] = [],
        sourceAddress: String? = nil,
        transport: (@Sendable (any Channel) throws -> Void)? = nil
    ) async throws -> WebSocketTestClient {
        let inbox = Inbox()
        var requestHeaders = HTTPHeaders([("Host", "\(host):\(port)"), ("Content-Length", "0")])
        requestHeaders.add(contentsOf: headers)
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: requestHeaders)

        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.seconds(5))
        if let sourceAddress {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: sourceAddress, port: 0))
        }
        let (channel, upgrade) = try await bootstrap
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try transport?(channel)
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: 1 << 24) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(FrameHandler(inbox: inbox))
                            return .upgraded
                        }
                    }
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                        upgradeRequestHead: head,
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in
                            channel.eventLoop.makeCompletedFuture {
                                let promise = channel.eventLoop.makePromise(of: HTTPResponseHead.self)
                                try channel.pipeline.syncOperations.addHandler(RefusalHandler(promise: promise))
                                return .refused(promise.futureResult)
                            }
                        }
                    )
                    let upgrade = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: .init(upgradeConfiguration: configuration)
                    )
                    // A server that never answers the upgrade must not hang the test.
                    let deadline = channel.eventLoop.scheduleTask(in: .seconds(10)) { channel.close(promise: nil) }
                    upgrade.whenComplete { _ in deadline.cancel() }
                    return (channel, upgrade)
                }
            }

        let result: Upgrade
        do {
            result = try await upgrade.get()
        } catch {
            throw TestSupportError(.connectionClosed, "WebSocket upgrade of ws://\(host):\(port)\(path) failed: \(error)")
        }
        switch result {
        case .upgraded:
            return WebSocketTestClient(channel: channel, inbox: inbox)
        case .refused(let response):
            let status = try await response.get().status
            try? await channel.close()
            throw TestSupportError(
                .upgradeFailed(status: Int(status.code)),
                "WebSocket upgrade of ws://\(host):\(port)\(path) refused with HTTP \(status.code) \(status.reasonPhrase)"
            )
        }
    }

    /// Sends a text message.
    public func send(text: String) async throws {
        try await self.send(rawFrame: WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
    }

    /// Sends a binary message.
    public func send(binary: [UInt8]) async throws {
        try await self.send(rawFrame: WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: binary)))
    }

    /// Sends a frame as given (fragments, invalid UTF-8, odd opcodes); masks it if it has no mask key.
    public func send(rawFrame: WebSocketFrame) async throws {
        var frame = rawFrame
        if frame.maskKey == nil {
            frame.maskKey = .random()
        }
        try await self.channel.writeAndFlush(frame)
    }

    /// The next message; throws `.timedOut` when none arrives in time, `.connectionClosed` after the end.
    public func receive(timeout: Duration = .seconds(15)) async throws -> Received {
        try await self.inbox.next(timeout: timeout, on: self.channel.eventLoop)
    }

    /// The next message, which must be a text message holding a JSON object.
    public func receiveJSON(timeout: Duration = .seconds(15)) async throws -> [String: Any] {
        let message = try await self.receive(timeout: timeout)
        guard case .text(let text) = message,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else {
            throw TestSupportError(.unexpectedMessage, "expected a JSON object, received \(message)")
        }
        return object
    }

    /// Waits `duration` and throws `.unexpectedMessage` if any message arrives meanwhile.
    public func expectNothing(for duration: Duration) async throws {
        let message: Received
        do {
            message = try await self.receive(timeout: duration)
        } catch let error as TestSupportError where error.code == .timedOut {
            return
        }
        throw TestSupportError(.unexpectedMessage, "expected no message for \(duration), received \(message)")
    }

    /// Sends a close frame and waits (up to 5 s) for the server to close the connection.
    ///
    /// The server's close frame stays buffered, so `receive()` afterwards returns it.
    public func close(code: UInt16 = 1000, reason: String = "") async throws {
        if self.inbox.markCloseSent() {
            var body = ByteBuffer()
            body.writeInteger(code)
            body.writeString(reason)
            try? await self.send(rawFrame: WebSocketFrame(fin: true, opcode: .connectionClose, data: body))
        }
        let channel = self.channel
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
        try await channel.closeFuture.get()
        deadline.cancel()
    }
}
