import NIOCore

/// Complete WebSocket frames as bytes, ready to write to any number of clients.
///
/// Server frames are never masked, so one buffer serves every subscriber: a message is
/// encoded once and the same bytes go to each socket.
public enum OutboundFrame {
    /// A final text frame holding `payload`.
    public static func text(_ payload: some Collection<UInt8>, allocator: ByteBufferAllocator) -> ByteBuffer {
        frame(opcode: 0x1, payload: payload, allocator: allocator)
    }

    /// A close frame with `code` and its reason.
    public static func close(_ code: WebSocketCloseCode, allocator: ByteBufferAllocator) -> ByteBuffer {
        var payload: [UInt8] = [UInt8(code.code >> 8), UInt8(code.code & 0xFF)]
        payload.append(contentsOf: code.reason.utf8.prefix(123))
        return frame(opcode: 0x8, payload: payload, allocator: allocator)
    }

    /// A pong frame echoing a ping's application data.
    public static func pong(_ payload: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer {
        frame(opcode: 0xA, payload: payload.readableBytesView, allocator: allocator)
    }

    private static func frame(opcode: UInt8, payload: some Collection<UInt8>, allocator: ByteBufferAllocator) -> ByteBuffer {
        let length = payload.count
        var buffer = allocator.buffer(capacity: length + 10)
        buffer.writeInteger(0x80 | opcode)
        switch length {
        case ..<126:
            buffer.writeInteger(UInt8(length))
        case ..<65536:
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(length))
        default:
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(length))
        }
        buffer.writeBytes(payload)
        return buffer
    }
}
