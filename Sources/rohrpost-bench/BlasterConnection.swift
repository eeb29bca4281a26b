import NIOCore
import NIOWebSocket

/// One client of the frame blaster: answers subscribe and ping as the relay does, and
/// takes pre-encoded frames from its loop's table, written past the frame encoder.
final class BlasterConnection: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = ByteBuffer

    private let table: BlasterTable
    private let writer: ChannelHandlerContext
    private var groups: [Int] = []
    private var needsFlush = false

    init(table: BlasterTable, writer: ChannelHandlerContext) {
        self.table = table
        self.writer = writer
    }

    private static let subscribeKey = Array(#""type":"subscribe""#.utf8)
    private static let pingKey = Array(#""type":"ping""#.utf8)
    private static let dataIDKey = Array(#""type":"bench","id":"#.utf8)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let payload = frame.unmaskedData
            let (id, group, isPing) = payload.withUnsafeReadableBytes { bytes in
                (
                    ByteScanning.integer(after: Array(#"{"id":"#.utf8), in: bytes),
                    ByteScanning.end(of: Self.subscribeKey, in: bytes) != nil
                        ? ByteScanning.integer(after: Self.dataIDKey, in: bytes) : nil,
                    ByteScanning.end(of: Self.pingKey, in: bytes) != nil
                )
            }
            if let id, let group {
                table.add(self, to: Int(group))
                groups.append(Int(group))
                reply(#"{"id":\#(id),"type":"subscribe","data":{"group":"bench-\#(group)"}}"#, context: context)
            } else if let id, isPing {
                reply(#"{"id":\#(id),"type":"pong"}"#, context: context)
            }
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        for group in groups { table.remove(self, from: group) }
        groups = []
        context.fireChannelInactive()
    }

    private func reply(_ text: String, context: ChannelHandlerContext) {
        writer.writeAndFlush(wrapOutboundOut(BlasterFrames.text(Array(text.utf8), allocator: context.channel.allocator)), promise: nil)
    }

    /// Queues a frame; true when the connection now needs a flush.
    func enqueue(_ frame: ByteBuffer) -> Bool {
        writer.write(wrapOutboundOut(frame), promise: nil)
        defer { needsFlush = true }
        return !needsFlush
    }

    func flush() {
        needsFlush = false
        writer.flush()
    }
}

/// Writes whatever reaches it to the socket: the head of a blaster connection's pipeline.
final class RawFrameWriter: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
}
