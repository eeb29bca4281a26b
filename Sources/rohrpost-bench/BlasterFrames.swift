import NIOCore

/// The frames the blaster sends, byte for byte in the relay's shape.
enum BlasterFrames {
    /// An unmasked final text frame.
    static func text(_ payload: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: payload.count + 10)
        buffer.writeInteger(UInt8(0x81))
        if payload.count < 126 {
            buffer.writeInteger(UInt8(payload.count))
        } else if payload.count < 65536 {
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(payload.count))
        } else {
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(payload.count))
        }
        buffer.writeBytes(payload)
        return buffer
    }

    /// The `subscription-update` the relay would send for `bench_item` row `seq` created now.
    static func event(seq: Int64, groups: Int, pad: String, allocator: ByteBufferAllocator) -> (group: Int, frame: ByteBuffer) {
        let group = Int(seq % Int64(groups))
        let id = seq + 1
        let json = #"{"id":\#(id),"type":"subscription-update","data":{"type":"create","group":"bench-\#(group)","object":{"id":\#(id),"grp":\#(group),"seq":\#(seq),"written_at_us":\#(wallClockMicros()),"pad":"\#(pad)"}}}"#
        return (group, text(Array(json.utf8), allocator: allocator))
    }
}
