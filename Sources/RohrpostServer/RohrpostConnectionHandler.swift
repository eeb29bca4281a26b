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

    private let shared: ConnectionContext
    private let eventLoop: any EventLoop
    /// Where frames are written: the head of the pipeline, past the frame encoder.
    private let writer: ChannelHandlerContext
    private var context: ChannelHandlerContext?
    private var subscriptions: LoopSubscriptions?
    private var groups: Set<String> = []
    /// Groups whose backlog is being read for a subscribe with `since`.
    private var resuming: [String: ResumingGroup] = [:]
    /// Per resumed group, the last position its backlog sent: the live stream may still
    /// bring those events (the listener can be behind the database); they are dropped.
    private var resumedThrough: [String: Int64] = [:]
    /// Custom-handler calls awaiting their reply.
    private var callsInFlight = 0
    /// The token of the latest allowed subscribe; a different one re-checks every group.
    private var token: String?
    /// The client's allowance of messages.
    private var rate: MessageRate
    /// Closes the connection when the token of its latest subscribe expires.
    private var tokenExpiry: Scheduled<Void>?
    private var isClosing = false
    private var hasUnflushedWrites = false
    private var largestFrameSinceWritable = 0
    private var unflushedBytes = 0
    /// Queued bytes past which a batch is flushed before it ends: big enough that one
    /// system call carries many small frames.
    private static let flushChunk = 64 * 1024

    init(context: ConnectionContext, writer: ChannelHandlerContext) {
        self.shared = context
        self.writer = writer
        self.eventLoop = writer.eventLoop
        self.rate = MessageRate(perSecond: context.messagesPerSecond, burst: context.messageBurst, now: .now())
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
    private func closeIfTooFarBehind() {
        guard let context, !isClosing,
            let buffered = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes),
            buffered - largestFrameSinceWritable > shared.maximumPendingBytes
        else { return }
        shared.logger.warning(
            "closing a client that stopped reading",
            metadata: ["client.address": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "client.pendingBytes": "\(buffered)"])
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

    private func handleText(_ payload: ByteBuffer) {
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
            guard groups.count < shared.maximumSubscriptions || groups.contains(group.name) else {
                send(.error("Too many subscriptions on this connection (at most \(shared.maximumSubscriptions)).", to: request))
                return
            }
            let handler = NIOLoopBound(self, eventLoop: eventLoop)
            let eventLoop = eventLoop
            shared.accessPolicy.authorize(subscribeTo: group.name, token: request.authJWT) { decision in
                if eventLoop.inEventLoop {
                    handler.value.subscribe(group, since: since, request: request, decision: decision)
                } else {
                    eventLoop.execute { handler.value.subscribe(group, since: since, request: request, decision: decision) }
                }
            }
        case .unsubscribe(let group):
            if groups.remove(group.name) != nil {
                subscriptions?.remove(self, from: group.name)
            }
            resuming[group.name] = nil
            resumedThrough[group.name] = nil
            send(.confirming(group, to: request))
        case .invalid(let reply):
            send(reply)
        case .other(let typeName):
            call(typeName, request)
        }
    }

    // MARK: Custom handlers

    /// Runs the application's handler for `typeName` off the event loop; the reply comes
    /// back whenever it is ready, so a slow handler holds up nothing else.
    private func call(_ typeName: String, _ request: Request) {
        guard !shared.handlers.isEmpty else {
            send(.unknownType(of: request))
            return
        }
        guard callsInFlight < shared.maximumCallsInFlight else {
            send(.error("Too many requests in flight; wait for replies before sending more.", to: request))
            return
        }
        callsInFlight += 1
        let (handlers, timeout, logger, metrics) = (shared.handlers, shared.handlerTimeout, shared.logger, shared.metrics)
        let eventLoop = eventLoop
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let answer: @Sendable (Reply) -> Void = { reply in
            eventLoop.execute {
                handler.value.callsInFlight -= 1
                handler.value.send(reply)
                handler.value.flushEnqueued()
            }
        }
        shared.accessPolicy.authenticate(token: request.authJWT) { authentication in
            let claims: JSONValue?
            switch authentication {
            case .denied:
                metrics.authRefusals.increment()
                answer(.accessDenied(to: request))
                return
            case .anonymous:
                claims = nil
            case .verified(let verified):
                claims = verified
            }
            let context = HandlerContext(token: request.authJWT, claims: claims) { error in
                logger.error("handler for '\(typeName)' failed: \(error)")
            }
            eventLoop.makeFutureWithTask {
                await handlers.reply(to: request, typeName: typeName, context: context, timeout: timeout)
            }.whenSuccess(answer)
        }
    }

    // MARK: Subscribing

    /// Carries out a subscribe once the access policy has decided.
    private func subscribe(_ group: Group, since: Int64?, request: Request, decision: AccessDecision) {
        guard context != nil, !isClosing else { return }
        guard case .allowed(let expiry) = decision else {
            shared.metrics.authRefusals.increment()
            send(.accessDenied(to: request))
            flushEnqueued()
            return
        }
        if let expiry { closeWhenTokenExpires(at: expiry) }
        if request.authJWT != token {
            recheckGroups(withNewToken: request.authJWT, except: group.name)
        }
        if groups.insert(group.name).inserted {
            _ = subscriptions?.add(self, to: group.name)
        }
        switch (since, shared.backlogSource) {
        case (let since?, let source?) where resuming[group.name] == nil:
            resume(group, since: since, request: request, from: source)
        case (.some, let source):
            // Without a journal nothing can be recovered; a resume already under way
            // for this group sends the backlog.
            send(.confirming(group, recovered: source != nil, to: request))
        case (.none, _):
            send(.confirming(group, to: request))
        }
        flushEnqueued()
    }

    /// A newer token replaces the old one: each group the connection is in must still be
    /// allowed with it, else the connection is closed with 4403 (the client cannot be told
    /// otherwise without an unasked message).
    private func recheckGroups(withNewToken newToken: String?, except newGroup: String) {
        token = newToken
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let eventLoop = eventLoop
        for group in groups where group != newGroup {
            shared.accessPolicy.authorize(subscribeTo: group, token: newToken) { decision in
                guard decision == .denied else { return }
                eventLoop.execute {
                    guard handler.value.token == newToken else { return }  // a newer token decides
                    handler.value.close(with: .accessRevoked)
                }
            }
        }
    }

    /// Closes the connection with 4401 when the newest token it subscribed with expires.
    private func closeWhenTokenExpires(at expiry: ContinuousClock.Instant) {
        tokenExpiry?.cancel()
        let remaining = ContinuousClock.now.duration(to: expiry)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        tokenExpiry = eventLoop.scheduleTask(in: TimeAmount(max(.zero, remaining))) {
            handler.value.close(with: .tokenExpired)
        }
    }

    // MARK: Resuming

    /// Starts reading `group`'s backlog after `since`; live messages for the group are held
    /// until it is in, then the reply, the backlog and the held messages go out in order.
    private func resume(_ group: Group, since: Int64, request: Request, from source: any BacklogSource) {
        resuming[group.name] = ResumingGroup(request: request, since: since)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let eventLoop = eventLoop
        source.backlog(for: group.name, after: since) { backlog in
            eventLoop.execute {
                handler.value.finishResume(group, backlog)
            }
        }
    }

    private func finishResume(_ group: Group, _ backlog: Backlog) {
        guard let state = resuming.removeValue(forKey: group.name), context != nil, !isClosing else { return }
        let recovered = if case .complete = backlog { true } else { false }
        send(.confirming(group, recovered: recovered, to: state.request))
        let messages = state.messagesToSend(after: backlog)
        for message in messages {
            write(message.frame)
        }
        // Whatever the client saw or was just sent may still come by the live stream.
        resumedThrough[group.name] = max(state.since, messages.last?.position ?? state.since)
        flushEnqueued()
    }

    private func send(_ reply: Reply) {
        guard let context else { return }
        write(OutboundFrame.text(reply.encoded(), allocator: context.channel.allocator))
    }

    // MARK: Writing

    /// Queues an event frame for this client; true if the client now needs a flush.
    func enqueue(_ message: GroupMessage) -> Bool {
        guard let context, !isClosing else { return false }
        if !resuming.isEmpty, resuming[message.group] != nil {
            resuming[message.group]!.hold(message)
            if resuming[message.group]!.heldBytes > shared.maximumPendingBytes { close(with: .tooSlow) }
            return false
        }
        if !resumedThrough.isEmpty, let sent = resumedThrough[message.group] {
            guard message.position > sent else { return false }
            resumedThrough[message.group] = nil  // the live stream has passed the backlog
        }
        let frame = message.frame
        largestFrameSinceWritable = max(largestFrameSinceWritable, frame.readableBytes)
        writer.write(wrapOutboundOut(frame), promise: nil)
        unflushedBytes += frame.readableBytes
        // A long batch is flushed as it goes, in chunks, so a client that reads keeps up
        // instead of seeing the whole batch pile up in its send buffer.
        if unflushedBytes >= Self.flushChunk {
            writer.flush()
            unflushedBytes = 0
        }
        if !context.channel.isWritable { closeIfTooFarBehind() }
        defer { hasUnflushedWrites = true }
        return !hasUnflushedWrites
    }

    /// Flushes what `enqueue` and replies queued.
    func flushEnqueued() {
        guard hasUnflushedWrites, context != nil else { return }
        hasUnflushedWrites = false
        unflushedBytes = 0
        writer.flush()
    }

    private func write(_ frame: ByteBuffer) {
        guard context != nil else { return }
        writer.write(wrapOutboundOut(frame), promise: nil)
        hasUnflushedWrites = true
    }

    /// Sends a close frame with `code`, then closes the socket (at the latest after
    /// `grace`); the future completes when closed.
    @discardableResult
    func close(with code: WebSocketCloseCode, grace: TimeAmount = closeGrace) -> EventLoopFuture<Void> {
        guard let context, !isClosing else {
            return eventLoop.makeSucceededVoidFuture()
        }
        isClosing = true
        if let reason = code.countedReason { shared.metrics.clientClosed(reason) }
        leaveAllGroups()
        let frame = OutboundFrame.close(code, allocator: context.channel.allocator)
        let channel = context.channel
        hasUnflushedWrites = false
        writer.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in
            channel.close(promise: nil)
        }
        // A client that does not read never takes the close frame; stop waiting for it.
        eventLoop.scheduleTask(in: grace) {
            channel.close(promise: nil)
        }
        return channel.closeFuture
    }

    /// How long a closing connection may take to receive its close frame.
    static let closeGrace = TimeAmount.seconds(1)

    private func leaveAllGroups() {
        for group in groups {
            subscriptions?.remove(self, from: group)
        }
        groups.removeAll()
    }
}

extension ByteBufferView {
    /// Whether these bytes are well-formed UTF-8.
    var isValidUTF8: Bool {
        withContiguousStorageIfAvailable { String(validating: $0, as: UTF8.self) != nil }
            ?? (String(validating: Array(self), as: UTF8.self) != nil)
    }
}
