import NIOCore
import NIOEmbedded
import RohrpostProtocol
import Testing

@testable import RohrpostServer

/// A resumed group gets its backlog, then live messages, each event once, whichever way
/// the backlog and the live stream race.
@Suite struct ResumeDeliveryTests {
    static func message(_ position: Int64, group: String = "g") -> GroupMessage {
        let text = #"{"id":\#(position),"type":"subscription-update"}"#
        return GroupMessage(group: group, frame: OutboundFrame.text(Array(text.utf8), allocator: .init()), position: position)
    }

    static func texts(_ positions: [Int64]) -> [SentFrame] {
        positions.map { .text(#"{"id":\#($0),"type":"subscription-update"}"#) }
    }

    @Test func liveStreamBehindTheBacklogDeliversEachEventOnce() throws {
        // The database already has 11 and 12; the relay's listener has not delivered them yet.
        let connection = try EmbeddedConnection(backlogSource: FixedBacklog(.complete([Self.message(11), Self.message(12)])))
        try connection.send(text: #"{"id":1,"type":"subscribe","data":{"type":"g","since":10}}"#)
        connection.channel.embeddedEventLoop.run()
        connection.fanOut.publish([9, 10, 11, 12, 13].map { Self.message($0) })
        connection.channel.embeddedEventLoop.run()
        let reply = SentFrame.text(#"{"id":1,"type":"subscribe","data":{"group":"g","recovered":true,"position":10}}"#)
        #expect(try connection.received() == [reply] + Self.texts([11, 12, 13]))
    }

    @Test func liveMessagesArrivingWhileTheBacklogIsReadAreHeldAndDeduplicated() throws {
        let loop = EmbeddedEventLoop()
        let fanOut = FanOut(group: loop)
        let backlog = BacklogReadDuringLiveMessages(
            .complete([Self.message(11), Self.message(12)]), live: [12, 13].map { Self.message($0) }, fanOut: fanOut, loop: loop)
        let connection = try EmbeddedConnection(backlogSource: backlog, fanOut: fanOut, loop: loop)
        try connection.send(text: #"{"id":1,"type":"subscribe","data":{"type":"g","since":10}}"#)
        loop.run()
        // 12 and 13 reached the connection before the backlog: held until after the reply
        // and the backlog, and 12 only once.
        let reply = SentFrame.text(#"{"id":1,"type":"subscribe","data":{"group":"g","recovered":true,"position":10}}"#)
        #expect(try connection.received() == [reply] + Self.texts([11, 12, 13]))
    }

    @Test func incompleteBacklogAnswersRecoveredFalseAndGoesLive() throws {
        let connection = try EmbeddedConnection(backlogSource: FixedBacklog(.incomplete))
        try connection.send(text: #"{"id":1,"type":"subscribe","data":{"type":"g","since":10}}"#)
        connection.channel.embeddedEventLoop.run()
        connection.fanOut.publish([Self.message(20)])
        connection.channel.embeddedEventLoop.run()
        let reply = SentFrame.text(#"{"id":1,"type":"subscribe","data":{"group":"g","recovered":false}}"#)
        #expect(try connection.received() == [reply] + Self.texts([20]))
    }

    @Test func incompleteResumeNamesWhereTheGroupWasJoinedAndSendsWhatCameAfterWhateverSinceSaid() throws {
        let loop = EmbeddedEventLoop()
        let fanOut = FanOut(group: loop)
        let backlog = BacklogReadDuringLiveMessages(.incomplete, live: [Self.message(6)], fanOut: fanOut, loop: loop)
        let connection = try EmbeddedConnection(backlogSource: backlog, fanOut: fanOut, loop: loop)
        connection.fanOut.publish([Self.message(5, group: "other")])
        loop.run()
        // A `since` from another journal: the relay's positions are far below it.
        try connection.send(text: #"{"id":1,"type":"subscribe","data":{"type":"g","since":999}}"#)
        loop.run()
        let reply = SentFrame.text(#"{"id":1,"type":"subscribe","data":{"group":"g","recovered":false,"position":5}}"#)
        #expect(try connection.received() == [reply] + Self.texts([6]))
    }

    @Test func freshSubscribeNamesThePositionOfTheNewestMessageDeliveredBeforeIt() throws {
        let connection = try EmbeddedConnection()
        connection.fanOut.publish([Self.message(5, group: "other"), Self.message(6, group: "other")])
        connection.channel.embeddedEventLoop.run()
        try connection.send(text: #"{"id":1,"type":"subscribe","data":{"type":"g"}}"#)
        connection.channel.embeddedEventLoop.run()
        connection.fanOut.publish([Self.message(7)])
        connection.channel.embeddedEventLoop.run()
        let reply = SentFrame.text(#"{"id":1,"type":"subscribe","data":{"group":"g","position":6}}"#)
        #expect(try connection.received() == [reply] + Self.texts([7]))
    }

    @Test func subscribeBeforeAnyDeliveryNamesNoPosition() throws {
        let connection = try EmbeddedConnection()
        try connection.send(text: #"{"id":1,"type":"subscribe","data":{"type":"g"}}"#)
        connection.channel.embeddedEventLoop.run()
        #expect(try connection.received() == [.text(#"{"id":1,"type":"subscribe","data":{"group":"g"}}"#)])
    }

    @Test func relayStoppingBeforeTheBacklogIsReadClosesWith1001() throws {
        let connection = try EmbeddedConnection(backlogSource: FixedBacklog(.stopping))
        try connection.send(text: #"{"id":1,"type":"subscribe","data":{"type":"g","since":10}}"#)
        connection.channel.embeddedEventLoop.run()
        #expect(try connection.received() == [.close(code: 1001, reason: "server shutting down")])
    }
}

/// Answers every resume with the same backlog, at once.
private struct FixedBacklog: BacklogSource {
    let backlog: Backlog
    init(_ backlog: Backlog) { self.backlog = backlog }

    func backlog(for group: String, after since: Int64, through: Int64?) async -> Backlog {
        backlog
    }
}

/// Answers a resume with `backlog`, after `live` messages were published and delivered to
/// the connection while it read, as when the listener delivers during a slow read.
private struct BacklogReadDuringLiveMessages: BacklogSource {
    let backlog: Backlog
    let live: [GroupMessage]
    let fanOut: FanOut
    let loop: EmbeddedEventLoop

    init(_ backlog: Backlog, live: [GroupMessage], fanOut: FanOut, loop: EmbeddedEventLoop) {
        (self.backlog, self.live, self.fanOut, self.loop) = (backlog, live, fanOut, loop)
    }

    func backlog(for group: String, after since: Int64, through: Int64?) async -> Backlog {
        fanOut.publish(live)
        loop.run()
        return backlog
    }
}
