import NIOCore
import NIOHTTP1
import NIOWebSocket

extension WebSocketTestClient {
    /// Turns server frames into `Received` messages: joins fragments, answers pings and close.
    final class FrameHandler: ChannelInboundHandler {
        typealias InboundIn = WebSocketFrame
        typealias OutboundOut = WebSocketFrame

        private let inbox: Inbox
        private var fragments: (opcode: WebSocketOpcode, data: ByteBuffer)?

        init(inbox: Inbox) {
            self.inbox = inbox
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = Self.unwrapInboundIn(data)
            var payload = frame.unmaskedData
            switch frame.opcode {
            case .text, .binary:
                self.fragments = (frame.opcode, payload)
            case .continuation:
                self.fragments?.data.writeBuffer(&payload)
            case .ping:
                let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: payload)
                context.writeAndFlush(Self.wrapOutboundOut(pong), promise: nil)
                return
            case .connectionClose:
                let code = payload.readInteger(as: UInt16.self)
                let reason = payload.readString(length: payload.readableBytes) ?? ""
                self.inbox.deliver(.close(code: code, reason: reason))
                guard self.inbox.markCloseSent() else {
                    context.close(promise: nil)
                    return
                }
                // Echo the status code, as RFC 6455 asks, then hang up.
                var body = context.channel.allocator.buffer(capacity: 2)
                if let code { body.writeInteger(code) }
                let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: body)
                let channel = context.channel
                context.writeAndFlush(Self.wrapOutboundOut(reply)).whenComplete { _ in channel.close(promise: nil) }
                return
            default:
                return
            }
            guard frame.fin, let (opcode, data) = self.fragments else { return }
            self.fragments = nil
            self.inbox.deliver(opcode == .text ? .text(String(buffer: data)) : .binary(Array(buffer: data)))
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.inbox.finish()
            context.fireChannelInactive()
        }
    }

    /// Catches the response head of a refused upgrade, so the error can name the HTTP status.
    final class RefusalHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart

        private var promise: EventLoopPromise<HTTPResponseHead>?

        init(promise: EventLoopPromise<HTTPResponseHead>) {
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head(let head) = Self.unwrapInboundIn(data) {
                self.promise?.succeed(head)
                self.promise = nil
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.promise?.fail(TestSupportError(.connectionClosed, "the server closed the connection without a response"))
            self.promise = nil
            context.fireChannelInactive()
        }
    }
}
