import Logging
import NIOCore
import NIOWebSocket
import RohrpostProtocol

/// One client's WebSocket connection: answers its requests, keeps its subscriptions in its
/// event loop's table, and writes the frames fan-out hands it.
///
/// Everything here runs on the connection's event loop. Replies and events are written as
/// pre-encoded frames; a client whose unwritten bytes pass the limit is closed with 1008.
final class RohrpostConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = ByteBuffer

    let shared: ConnectionContext
    let eventLoop: any EventLoop
    /// Where frames are written: the head of the pipeline, past the frame encoder.
    let writer: ChannelHandlerContext
    /// The client's address as counted for its limit: the socket's peer, or behind a
    /// trusted proxy the address the proxy named.
    let clientAddress: IPAddress?
    var context: ChannelHandlerContext?
    var subscriptions: LoopSubscriptions?
    /// The groups, resumes and token: what decides what the client is sent.
    var subscription: SubscriptionStateMachine
    /// Custom-handler calls awaiting their reply.
    var callsInFlight = 0
    /// The client's allowance of messages.
    var rate: MessageRate
    /// Closes the connection when the token of its latest subscribe expires.
    var tokenExpiry: Scheduled<Void>?
    var isClosing = false
    var largestFrameSinceWritable = 0
    /// Bytes written since the last flush; above 0 the client needs one.
    var unflushedBytes = 0
    /// Queued bytes past which a batch is flushed before it ends: big enough that one
    /// system call carries many small frames.
    static let flushChunk = 64 * 1024

    init(context: ConnectionContext, writer: ChannelHandlerContext, clientAddress: IPAddress? = nil) {
        self.shared = context
        self.clientAddress = clientAddress
        self.writer = writer
        self.eventLoop = writer.eventLoop
        self.rate = MessageRate(perSecond: context.messagesPerSecond, burst: context.messageBurst, now: .now())
        self.subscription = SubscriptionStateMachine(
            maximumSubscriptions: context.maximumSubscriptions, maximumHeldBytes: context.maximumPendingBytes,
            canResume: context.backlogSource != nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        subscriptions = shared.fanOut.subscriptions(on: context.eventLoop)
        subscriptions?.register(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        tokenExpiry?.cancel()
        leaveAllGroups()
        subscriptions?.unregister(self)
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        tokenExpiry?.cancel()
        leaveAllGroups()
        subscriptions?.unregister(self)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard !isClosing else { return }
        if frame.opcode == .text || frame.opcode == .binary, !rate.allow(now: .now()) {
            close(with: .rateLimited)
            return
        }
        switch frame.opcode {
        case .text:
            let payload = frame.unmaskedData
            guard payload.readableBytesView.isValidUTF8 else {
                close(with: .invalidUTF8)
                return
            }
            handleText(payload)
        case .binary:
            send(MalformedMessage.empty.reply)
        case .ping:
            write(OutboundFrame.pong(frame.unmaskedData, allocator: context.channel.allocator))
        case .connectionClose:
            close(with: .normal)
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushEnqueued()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            largestFrameSinceWritable = 0
        } else {
            closeIfTooFarBehind()
        }
        context.fireChannelWritabilityChanged()
    }

    /// Closes the client when the bytes waiting for it, beyond the largest single frame
    /// among them, pass the limit: one event larger than the limit still reaches a client
    /// that reads, while a client that stopped reading is closed before it costs more.
    func closeIfTooFarBehind() {
        guard let context, !isClosing,
            let buffered = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes),
            buffered - largestFrameSinceWritable > shared.maximumPendingBytes
        else { return }
        shared.logger.warning(
            "closing a client that stopped reading",
            metadata: ["client.address": "\(clientAddress.map { "\($0)" } ?? context.remoteAddress.map { "\($0)" } ?? "?")", "client.pendingBytes": "\(buffered)"])
        close(with: .tooSlow)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            close(with: .idle)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case NIOWebSocketError.invalidFrameLength, NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge,
            NIOWebSocketFrameAggregator.Error.tooManyFragments:
            close(with: .messageTooBig)
        case is NIOWebSocketError, is NIOWebSocketFrameAggregator.Error:
            close(with: .protocolError)
        default:
            shared.logger.debug("connection error: \(error)")
            context.close(promise: nil)
        }
    }

    // MARK: Requests

    func handleText(_ payload: ByteBuffer) {
        let request: Request
        do {
            request = try payload.withUnsafeReadableBytes { bytes throws(MalformedMessage) in
                try Request(parsing: bytes)
            }
        } catch {
            send(error.reply)
            return
        }
        switch request.command {
        case .ping:
            send(.pong(to: request))
        case .subscribe(let group, let since):
            perform(subscription.subscribeRequested(group, since: since, request: request))
        case .unsubscribe(let group):
            perform(subscription.unsubscribeRequested(group, request: request))
        case .invalid(let reply):
            send(reply)
        case .other(let typeName):
            call(typeName, request)
        }
    }

    func send(_ reply: Reply) {
        guard let context else { return }
        write(OutboundFrame.text(reply.encoded(), allocator: context.channel.allocator))
    }
}

extension ByteBufferView {
    /// Whether these bytes are well-formed UTF-8.
    var isValidUTF8: Bool {
        withContiguousStorageIfAvailable { String(validating: $0, as: UTF8.self) != nil }
            ?? (String(validating: Array(self), as: UTF8.self) != nil)
    }
}
