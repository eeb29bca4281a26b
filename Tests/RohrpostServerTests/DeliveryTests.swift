import NIOEmbedded
import Testing

@testable import RohrpostServer
import RohrpostProtocol

/// Which published messages reach a connection, through its subscriptions and fan-out.
@Suite struct DeliveryTests {
    private let subscribe = #"{"id":1,"type":"subscribe","data":{"type":"collection","id":5}}"#
    private let subscribed = SentFrame.text(#"{"id":1,"type":"subscribe","data":{"group":"collection-5"}}"#)
    private let event = #"{"id":17,"type":"subscription-update","data":{"group":"collection-5"}}"#

    @Test func aMessageForASubscribedGroupArrivesAfterTheSubscribeReply() throws {
        let connection = try EmbeddedConnection()
        try connection.send(text: subscribe)
        connection.publish([("collection-5", event)])
        #expect(try connection.received() == [subscribed, .text(event)])
    }

    @Test func aMessageForAnotherGroupIsNotDelivered() throws {
        let connection = try EmbeddedConnection()
        try connection.send(text: subscribe)
        connection.publish([("collection-6", "other"), ("collection-50", "other"), ("collection", "other")])
        #expect(try connection.received() == [subscribed])
    }

    @Test func subscribingTwiceDeliversEachMessageOnce() throws {
        let connection = try EmbeddedConnection()
        try connection.send(text: subscribe)
        try connection.send(text: subscribe)
        connection.publish([("collection-5", event)])
        #expect(try connection.received() == [subscribed, subscribed, .text(event)])
    }

    @Test func messagesArriveInPublishedOrder() throws {
        let connection = try EmbeddedConnection()
        try connection.send(text: subscribe)
        connection.publish([("collection-5", "first"), ("collection-5", "second")])
        connection.publish([("collection-5", "third")])
        #expect(try connection.received() == [subscribed, .text("first"), .text("second"), .text("third")])
    }

    @Test func everySubscriberOfTheGroupReceivesTheMessage() throws {
        let loop = EmbeddedEventLoop()
        let fanOut = FanOut(group: loop)
        let first = try EmbeddedConnection(fanOut: fanOut, loop: loop)
        let second = try EmbeddedConnection(fanOut: fanOut, loop: loop)
        try first.send(text: subscribe)
        try second.send(text: subscribe)
        first.publish([("collection-5", event)])
        #expect(try first.received() == [subscribed, .text(event)])
        #expect(try second.received() == [subscribed, .text(event)])
    }

    @Test func unsubscribingStopsDelivery() throws {
        let connection = try EmbeddedConnection()
        try connection.send(text: subscribe)
        try connection.send(text: #"{"id":2,"type":"unsubscribe","data":{"type":"collection","id":5}}"#)
        connection.publish([("collection-5", event)])
        let unsubscribed = SentFrame.text(#"{"id":2,"type":"unsubscribe","data":{"group":"collection-5"}}"#)
        #expect(try connection.received() == [subscribed, unsubscribed])
    }

    /// Before the live stream has started (the relay's LISTEN connection is not up yet)
    /// subscribes wait unanswered, and the waiting ones count against the limit.
    @Test func subscribesWaitForTheLiveStreamAndWaitingOnesCountAgainstTheLimit() throws {
        let loop = EmbeddedEventLoop()
        let fanOut = FanOut(group: loop, startsLive: false)
        let connection = try EmbeddedConnection(fanOut: fanOut, loop: loop, maximumSubscriptions: 2)
        for id in 5...7 {
            try connection.send(text: #"{"id":\#(id),"type":"subscribe","data":{"type":"collection","id":\#(id)}}"#)
        }
        #expect(try connection.received() == [
            .text(#"{"id":7,"type":"subscribe","error":"Too many subscriptions on this connection (at most 2)."}"#)
        ])
        fanOut.streamStarted()
        loop.run()
        #expect(try connection.received() == [
            .text(#"{"id":5,"type":"subscribe","data":{"group":"collection-5"}}"#),
            .text(#"{"id":6,"type":"subscribe","data":{"group":"collection-6"}}"#),
        ])
        connection.publish([("collection-6", event)])
        #expect(try connection.received() == [.text(event)])
    }

    /// A subscribe answered the moment the stream starts names where it started, before
    /// the loop has run anything else (the position once reached the loop as a queued task
    /// that such a subscribe could overtake: its reply had no position).
    @Test func aSubscribeRightAfterTheStreamStartedNamesTheStartPosition() throws {
        let loop = EmbeddedEventLoop()
        let fanOut = FanOut(group: loop, startsLive: false)
        let connection = try EmbeddedConnection(fanOut: fanOut, loop: loop)
        fanOut.streamStarted(at: 41)
        try connection.send(text: #"{"id":5,"type":"subscribe","data":{"type":"collection","id":5}}"#)
        #expect(try connection.received() == [.text(#"{"id":5,"type":"subscribe","data":{"group":"collection-5","position":41}}"#)])
        connection.publish([("collection-5", event)])
        #expect(try connection.received() == [.text(event)])
    }

    @Test func aRefusedSubscribeIsAnsweredWithAccessDeniedAndDeliversNothing() throws {
        let connection = try EmbeddedConnection(accessPolicy: TokenPolicy())
        try connection.send(text: #"{"id":3,"type":"subscribe","auth_jwt":"wrong","data":{"type":"collection","id":5}}"#)
        connection.publish([("collection-5", event)])
        #expect(try connection.received() == [.text(#"{"id":3,"type":"subscribe","error":"ACCESS_DENIED"}"#)])
    }

    @Test func theAccessPolicyIsAskedWithTheGroupAndTheRequestsToken() throws {
        let connection = try EmbeddedConnection(accessPolicy: TokenPolicy())
        try connection.send(text: #"{"id":1,"type":"subscribe","auth_jwt":"secret","data":{"type":"collection","id":5}}"#)
        connection.publish([("collection-5", event)])
        #expect(try connection.received() == [subscribed, .text(event)])
    }
}

/// Lets only the token "secret" into the group "collection-5".
private struct TokenPolicy: AccessPolicy {
    func authorize(subscribeTo group: String, token: String?) async -> AccessDecision {
        group == "collection-5" && token == "secret" ? .allowed(until: nil) : .denied
    }
}
