import Logging
import NIOCore
import NIOEmbedded
import NIOWebSocket

@testable import RohrpostServer
import RohrpostProtocol

/// One client connection on an `EmbeddedChannel`, wired as `WebSocketServer` wires an
/// upgraded connection: a `FrameWriter` at the head, then the rohrpost handler.
///
/// Embedded channels belong to the thread that made them, so tests using this are synchronous.
struct EmbeddedConnection {
    let channel: EmbeddedChannel
    let fanOut: FanOut

    /// A connected client of a server with `accessPolicy`, on its own loop unless `loop` is given.
    init(
        accessPolicy: any AccessPolicy = OpenAccess(),
        backlogSource: (any BacklogSource)? = nil,
        fanOut: FanOut? = nil,
        loop: EmbeddedEventLoop = EmbeddedEventLoop(),
        maximumSubscriptions: Int = 1000
    ) throws {
        channel = EmbeddedChannel(loop: loop)
        self.fanOut = fanOut ?? FanOut(group: loop)
        let pipeline = channel.pipeline.syncOperations
        let frameWriter = FrameWriter()
        try pipeline.addHandler(frameWriter)
        let context = ConnectionContext(
            fanOut: self.fanOut, accessPolicy: accessPolicy, backlogSource: backlogSource,
            handlers: HandlerRegistry(), handlerTimeout: .seconds(10), maximumCallsInFlight: 1024,
            maximumSubscriptions: maximumSubscriptions, messagesPerSecond: 100, messageBurst: 500,
            maximumPendingBytes: 1 << 20, logger: Logger(label: "test"))
        let writer = try pipeline.context(handler: frameWriter)
        try pipeline.addHandler(RohrpostConnectionHandler(context: context, writer: writer))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
    }

    /// The loop's subscription table, which fan-out delivers from.
    var subscriptions: LoopSubscriptions { fanOut.subscriptions(on: channel.embeddedEventLoop) }

    /// Sends a text frame, unmasked as the embedded channel needs no decoder.
    func send(text: String) throws {
        try send(.text, Array(text.utf8))
    }

    /// Sends a frame of `opcode` carrying `payload`.
    func send(_ opcode: WebSocketOpcode, _ payload: [UInt8] = []) throws {
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: opcode, data: ByteBuffer(bytes: payload)))
    }

    /// Publishes `text` frames to groups through fan-out and runs the delivery.
    func publish(_ messages: [(group: String, text: String)]) {
        fanOut.publish(messages.enumerated().map { index, message in
            GroupMessage(
                group: message.group, frame: OutboundFrame.text(Array(message.text.utf8), allocator: .init()),
                position: Int64(index + 1))
        })
        channel.embeddedEventLoop.run()
    }

    /// Every frame written to the client so far, decoded.
    func received() throws -> [SentFrame] {
        var frames: [SentFrame] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            frames.append(try SentFrame(decoding: buffer))
        }
        return frames
    }
}

/// A frame the server wrote, as a client reads it.
enum SentFrame: Equatable {
    case text(String)
    case close(code: UInt16, reason: String)
    case pong([UInt8])

    /// Reads one complete, final, unmasked frame that fills `buffer` exactly.
    init(decoding frame: ByteBuffer) throws {
        var buffer = frame
        let malformed = MalformedFrame(bytes: Array(frame.readableBytesView))
        guard let first = buffer.readInteger(as: UInt8.self), let second = buffer.readInteger(as: UInt8.self),
            first & 0xF0 == 0x80, second & 0x80 == 0
        else { throw malformed }
        let length: Int? = switch second {
        case 126: buffer.readInteger(as: UInt16.self).map(Int.init)
        case 127: buffer.readInteger(as: UInt64.self).map(Int.init)
        default: Int(second)
        }
        guard let length, length == buffer.readableBytes else { throw malformed }
        let payload = Array(buffer.readableBytesView)
        switch first & 0x0F {
        case 0x1:
            self = .text(String(decoding: payload, as: UTF8.self))
        case 0x8 where payload.count >= 2:
            let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
            self = .close(code: code, reason: String(decoding: payload.dropFirst(2), as: UTF8.self))
        case 0xA:
            self = .pong(payload)
        default:
            throw malformed
        }
    }
}

/// Bytes that are not one frame the server may send.
struct MalformedFrame: Error {
    let bytes: [UInt8]
}
