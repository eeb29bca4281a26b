import NIOCore

/// Sits at the head of a WebSocket connection's pipeline so pre-encoded frames can be
/// written past NIO's frame encoder: the connection handler writes through this handler's
/// context, and the bytes go straight to the socket.
final class FrameWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
}
