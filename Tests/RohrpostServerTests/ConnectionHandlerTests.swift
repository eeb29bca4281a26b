import NIOCore
import Testing

@testable import RohrpostServer

/// What one connection answers to the frames a client sends, and how it ends.
@Suite struct ConnectionHandlerTests {
    @Test func aPingFrameIsAnsweredWithAPongCarryingItsData() throws {
        let connection = try EmbeddedConnection()
        try connection.send(.ping, Array("hb".utf8))
        #expect(try connection.received() == [.pong(Array("hb".utf8))])
    }

    @Test func aRohrpostPingIsAnsweredWithAPongMessage() throws {
        let connection = try EmbeddedConnection()
        try connection.send(text: #"{"id":1700000000000,"type":"ping"}"#)
        #expect(try connection.received() == [.text(#"{"id":1700000000000,"type":"pong"}"#)])
    }

    @Test func aBinaryFrameIsAnsweredAsAnEmptyMessageAndTheConnectionStays() throws {
        let connection = try EmbeddedConnection()
        try connection.send(.binary, [0x7B, 0x7D])
        #expect(try connection.received() == [.text(#"{"error":"Received empty message."}"#)])
        #expect(connection.channel.isActive)
    }

    @Test func textThatIsNotUTF8ClosesTheConnectionWith1007() throws {
        let connection = try EmbeddedConnection()
        try connection.send(.text, [0x22, 0xC3, 0x28, 0x22])
        #expect(try connection.received() == [.close(code: 1007, reason: "text message is not valid UTF-8")])
        #expect(!connection.channel.isActive)
    }

    @Test func aClientsCloseFrameIsAnsweredWithACloseFrame() throws {
        let connection = try EmbeddedConnection()
        try connection.send(.connectionClose, [0x03, 0xE8])
        #expect(try connection.received() == [.close(code: 1000, reason: "")])
        #expect(!connection.channel.isActive)
    }

    @Test func aClosedConnectionLeavesNoConnectionOrGroupInItsLoopsTable() throws {
        let connection = try EmbeddedConnection()
        try connection.send(text: #"{"id":1,"type":"subscribe","data":{"type":"collection","id":5}}"#)
        try connection.send(text: #"{"id":2,"type":"subscribe","data":{"type":"todo"}}"#)
        #expect(connection.subscriptions.connectionCount == 1)
        #expect(connection.subscriptions.groupCount == 2)

        try connection.channel.close().wait()
        connection.channel.embeddedEventLoop.run()
        #expect(connection.subscriptions.connectionCount == 0)
        #expect(connection.subscriptions.groupCount == 0)
    }
}
