import NIOCore
import RohrpostServer
import Testing

/// The bytes of the frames the relay writes, encoded once for every subscriber.
@Suite struct OutboundFrameTests {
    @Test(arguments: [
        (0, [0x81, 0x00]),
        (125, [0x81, 0x7D]),
        (126, [0x81, 0x7E, 0x00, 0x7E]),
        (65_535, [0x81, 0x7E, 0xFF, 0xFF]),
        (65_536, [0x81, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]),
    ] as [(Int, [UInt8])])
    func aTextFrameStatesItsPayloadLengthInTheShortestHeader(size: Int, header: [UInt8]) {
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
        let frame = Array(OutboundFrame.text(payload, allocator: ByteBufferAllocator()).readableBytesView)
        #expect(Array(frame.prefix(header.count)) == header)
        #expect(Array(frame.dropFirst(header.count)) == payload)
    }

    @Test func aCloseFrameCarriesTheCodeThenTheReason() {
        let frame = OutboundFrame.close(.invalidUTF8, allocator: ByteBufferAllocator())
        let reason = Array("text message is not valid UTF-8".utf8)
        #expect(Array(frame.readableBytesView) == [0x88, UInt8(2 + reason.count), 0x03, 0xEF] + reason)
    }

    @Test func aCloseFrameWithoutReasonIsJustTheCode() {
        let frame = OutboundFrame.close(.normal, allocator: ByteBufferAllocator())
        #expect(Array(frame.readableBytesView) == [0x88, 0x02, 0x03, 0xE8])
    }

    @Test func aPongEchoesThePingsData() {
        let frame = OutboundFrame.pong(ByteBuffer(string: "hb-7"), allocator: ByteBufferAllocator())
        #expect(Array(frame.readableBytesView) == [0x8A, 0x04] + Array("hb-7".utf8))
    }
}
