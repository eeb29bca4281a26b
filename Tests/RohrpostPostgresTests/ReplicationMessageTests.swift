import RohrpostPostgres
import Testing

/// The CopyData stream of a replication connection: XLogData and keepalives in, status updates out.
@Suite struct ReplicationMessageTests {
    private let sendTime = ReplicationTimestamp(microsecondsSince2000: 818_000_000_123_456)

    private var xLogData: [UInt8] {
        WireBytes().tag("w").int64(0x16_B374_D848).int64(0x16_B374_D900).int64(signed: sendTime.microsecondsSince2000)
            .appending([UInt8(ascii: "B"), 1, 2, 3]).bytes
    }

    private var keepalive: [UInt8] {
        WireBytes().tag("k").int64(0x16_B374_D900).int64(signed: sendTime.microsecondsSince2000).int8(1).bytes
    }

    @Test func xLogDataCarriesItsPositionsAndPayload() throws {
        #expect(
            try ReplicationMessage(copyData: xLogData)
                == .xLogData(
                    .init(walStart: LSN("16/B374D848")!, walEnd: LSN("16/B374D900")!, sendTime: sendTime, payload: [66, 1, 2, 3])))
    }

    @Test func aKeepaliveSaysWhetherTheServerWantsAReply() throws {
        #expect(
            try ReplicationMessage(copyData: keepalive)
                == .primaryKeepalive(.init(walEnd: LSN("16/B374D900")!, sendTime: sendTime, replyRequested: true)))
        var quiet = keepalive
        quiet[quiet.count - 1] = 0
        #expect(
            try ReplicationMessage(copyData: quiet)
                == .primaryKeepalive(.init(walEnd: LSN("16/B374D900")!, sendTime: sendTime, replyRequested: false)))
    }

    @Test func everyTruncatedMessageIsAnErrorNamingIt() {
        for (message, name) in [(xLogData.prefix(25), "XLogData ('w') message"), (keepalive[...], "primary keepalive ('k') message")] {
            for length in 0..<message.count {
                #expect {
                    try ReplicationMessage(copyData: Array(message.prefix(length)))
                } throws: { error in
                    (error as? PostgresError)?.message.contains(length == 0 ? "replication message" : name) == true
                }
            }
        }
    }

    @Test func anUnknownMessageTypeIsAnError() {
        #expect {
            try ReplicationMessage(copyData: [UInt8(ascii: "x"), 0, 0])
        } throws: { error in
            (error as? PostgresError)?.message.contains("unknown message type 'x'") == true
        }
    }

    @Test func aStatusUpdateIsThirtyFourBytesInProtocolOrder() {
        let update = ReplicationStatusUpdate(
            written: LSN(0x0102_0304_0506_0708), flushed: LSN(0x1112_1314_1516_1718), applied: LSN(0x2122_2324_2526_2728),
            clock: ReplicationTimestamp(microsecondsSince2000: 0x3132_3334_3536_3738), replyRequested: true)
        #expect(
            update.bytes
                == WireBytes().tag("r").int64(0x0102_0304_0506_0708).int64(0x1112_1314_1516_1718)
                .int64(0x2122_2324_2526_2728).int64(0x3132_3334_3536_3738).int8(1).bytes)
        #expect(update.bytes.count == 34)
    }
}
