import NIOCore

/// One WebSocket client of the load generator: upgrades by hand, subscribes to its group,
/// then counts what arrives. Runs entirely on its channel's event loop; server frames are
/// unmasked and parsed straight out of the read buffer.
final class BenchClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State { case upgrading, open, closed }

    private var state = State.upgrading
    private var pending: ByteBuffer?
    private let stats: ClientStats
    private let loop: LoopStats
    private let request: String
    private var ready: EventLoopPromise<Void>?

    /// - Parameter ready: succeeds once the subscribe reply confirmed the client's group.
    init(stats: ClientStats, loop: LoopStats, request: String, ready: EventLoopPromise<Void>) {
        self.stats = stats
        self.loop = loop
        self.request = request
        self.ready = ready
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        stats.isClosed = true
        fail(BenchError("the server closed the connection before the subscribe reply"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if pending == nil || pending!.readableBytes == 0 {
            pending = incoming
        } else {
            pending!.writeBuffer(&incoming)
        }
        if state == .upgrading {
            guard finishUpgrade(context: context) else { return }
        }
        readFrames(context: context)
    }

    /// Takes the HTTP response once complete; true when the socket now speaks WebSocket.
    private func finishUpgrade(context: ChannelHandlerContext) -> Bool {
        guard let buffer = pending,
            let end = buffer.readableBytesView.firstRange(of: [13, 10, 13, 10])
        else { return false }
        let length = end.upperBound - buffer.readerIndex
        let head = buffer.getString(at: buffer.readerIndex, length: length) ?? ""
        pending!.moveReaderIndex(forwardBy: length)
        guard head.hasPrefix("HTTP/1.1 101") else {
            fail(BenchError("WebSocket upgrade refused: \(head.prefix(while: { $0 != "\r" }))"))
            context.close(promise: nil)
            return false
        }
        state = .open
        context.writeAndFlush(
            wrapOutboundOut(ClientFrames.text(ClientFrames.subscribe(id: 1, group: stats.group), allocator: context.channel.allocator)),
            promise: nil)
        return true
    }

    private func readFrames(context: ChannelHandlerContext) {
        guard var buffer = pending else { return }
        while state == .open, buffer.readableBytes >= 2 {
            let start = buffer.readerIndex
            let first = buffer.getInteger(at: start, as: UInt8.self)!
            let second = buffer.getInteger(at: start + 1, as: UInt8.self)! & 0x7F
            var header = 2
            var length = Int(second)
            if second == 126 {
                guard let value = buffer.getInteger(at: start + 2, as: UInt16.self) else { break }
                length = Int(value)
                header = 4
            } else if second == 127 {
                guard let value = buffer.getInteger(at: start + 2, as: UInt64.self) else { break }
                length = Int(value)
                header = 10
            }
            guard buffer.readableBytes >= header + length else { break }
            let payload = buffer.getSlice(at: start + header, length: length)!
            buffer.moveReaderIndex(forwardBy: header + length)
            handle(opcode: first & 0x0F, payload: payload, context: context)
        }
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex > 64 * 1024 {
            buffer.discardReadBytes()
        }
        pending = buffer
    }

    private func handle(opcode: UInt8, payload: ByteBuffer, context: ChannelHandlerContext) {
        switch opcode {
        case 0x1:
            let message = payload.withUnsafeReadableBytes { ServerMessage.parse($0) }
            handle(message)
        case 0x8:
            stats.closeCode = payload.getInteger(at: payload.readerIndex, as: UInt16.self).map(Int.init) ?? 0
            stats.isClosed = true
            state = .closed
            let reply = ClientFrames.masked(opcode: 0x8, payload: [], allocator: context.channel.allocator)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in channel.close(promise: nil) }
        case 0x9:
            let pong = ClientFrames.masked(opcode: 0xA, payload: Array(payload.readableBytesView), allocator: context.channel.allocator)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        default:
            stats.unexpected += 1
        }
    }

    private func handle(_ message: ServerMessage) {
        switch message {
        case .event(let id, _, let writtenAt):
            stats.count(eventID: id)
            // A stalled client's late events are the point of stalling it, not the others' latency.
            if !stats.isStalled { loop.recordEvent(writtenAtMicros: writtenAt, now: wallClockMicros()) }
        case .subscribed(let id, let group):
            if id == 1 && group == stats.group {
                ready?.succeed()
                ready = nil
            } else {
                fail(BenchError("subscribe reply for the wrong request or group: id \(id), group bench-\(group)"))
            }
        case .refused(let id):
            fail(BenchError("subscribe \(id) to bench-\(stats.group) was refused"))
        case .pong(let sentAt):
            loop.pong.record(UInt64(max(1, wallClockMicros() - sentAt)))
        case .other:
            stats.unexpected += 1
        }
    }

    private func fail(_ error: any Error) {
        ready?.fail(error)
        ready = nil
    }
}
