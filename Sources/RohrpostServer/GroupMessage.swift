import NIOCore

/// One encoded frame for the subscribers of one group.
public struct GroupMessage: Sendable {
    /// The group whose subscribers receive the frame.
    public var group: String
    /// The complete WebSocket frame, written unchanged to every subscriber.
    public var frame: ByteBuffer
    /// The event's position in the change stream (its `id`), to resume without duplicates.
    public var position: Int64

    /// Creates a message.
    public init(group: String, frame: ByteBuffer, position: Int64) {
        self.group = group
        self.frame = frame
        self.position = position
    }
}
