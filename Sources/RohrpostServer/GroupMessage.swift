import NIOCore

/// One encoded frame for the subscribers of one group.
public struct GroupMessage: Sendable {
    /// The group whose subscribers receive the frame.
    public var group: String
    /// The complete WebSocket frame, written unchanged to every subscriber.
    public var frame: ByteBuffer

    /// Creates a message.
    public init(group: String, frame: ByteBuffer) {
        self.group = group
        self.frame = frame
    }
}
