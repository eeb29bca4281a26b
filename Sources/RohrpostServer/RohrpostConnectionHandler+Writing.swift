import NIOCore
import RohrpostProtocol

/// Writing: queueing pre-encoded frames, batched flushes, the per-client limit, and closing.
extension RohrpostConnectionHandler {
    /// Queues an event frame for this client; true if it is the first since the last flush
    /// (the caller then flushes the client once for the whole batch).
    func enqueue(_ message: GroupMessage) -> Bool {
        guard let context, !isClosing else { return false }
        switch subscription.live(message) {
        case .send:
            break
        case .drop:
            return false
        case .held(let tooMuchHeld):
            if tooMuchHeld { close(with: .tooSlow) }
            return false
        }
        let frame = message.frame
        let needsFlush = unflushedBytes == 0
        largestFrameSinceWritable = max(largestFrameSinceWritable, frame.readableBytes)
        write(frame)
        // A long batch is flushed as it goes, in chunks, so a client that reads keeps up
        // instead of seeing the whole batch pile up in its send buffer.
        if unflushedBytes >= Self.flushChunk {
            flushEnqueued()
        }
        if !context.channel.isWritable { closeIfTooFarBehind() }
        return needsFlush
    }

    /// Flushes what `enqueue` and replies queued.
    func flushEnqueued() {
        guard unflushedBytes > 0, context != nil else { return }
        unflushedBytes = 0
        writer.flush()
    }

    func write(_ frame: ByteBuffer) {
        guard context != nil else { return }
        writer.write(wrapOutboundOut(frame), promise: nil)
        unflushedBytes += frame.readableBytes
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
        unflushedBytes = 0
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

    func leaveAllGroups() {
        for group in subscription.leaveAll() {
            subscriptions?.remove(self, from: group)
        }
    }
}
