import NIOCore

/// The bytes a WebSocket client sends: the upgrade request and masked text frames.
enum ClientFrames {
    /// The HTTP/1.1 upgrade request for `path` on `host:port`.
    static func upgradeRequest(host: String, port: Int, path: String) -> String {
        // The key need not be random for a load generator; the server only echoes its hash.
        "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: cm9ocnBvc3QtYmVuY2gtMQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// A masked final frame with `opcode` carrying `payload` (under 64 KiB).
    static func masked(opcode: UInt8, payload: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: payload.count + 8)
        buffer.writeInteger(0x80 | opcode)
        if payload.count < 126 {
            buffer.writeInteger(UInt8(0x80 | payload.count))
        } else {
            buffer.writeInteger(UInt8(0x80 | 126))
            buffer.writeInteger(UInt16(payload.count))
        }
        let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        buffer.writeBytes(mask)
        for (index, byte) in payload.enumerated() {
            buffer.writeInteger(byte ^ mask[index & 3])
        }
        return buffer
    }

    /// A masked text frame.
    static func text(_ text: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        masked(opcode: 0x1, payload: Array(text.utf8), allocator: allocator)
    }

    /// The subscribe request for group `bench-<group>`.
    static func subscribe(id: Int, group: Int) -> String {
        #"{"id":\#(id),"type":"subscribe","data":{"type":"bench","id":\#(group)}}"#
    }

    /// A ping whose id is its send time in µs, so the pong tells the round trip.
    static func ping(sentAtMicros: Int64) -> String {
        #"{"id":\#(sentAtMicros),"type":"ping"}"#
    }
}
