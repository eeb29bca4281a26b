import NIOCore
import NIOEmbedded
import Testing

@testable import RohrpostServer
import RohrpostProtocol

/// A large fan-out is flushed in slices with the loop free to read in between; the slices
/// must never change what each subscriber receives or its order.
@Suite struct SlicedDeliveryTests {
    private let subscribe = #"{"id":1,"type":"subscribe","data":{"type":"collection","id":5}}"#
    private let subscribed = SentFrame.text(#"{"id":1,"type":"subscribe","data":{"group":"collection-5"}}"#)

    /// Subscribed connections on one embedded loop whose fan-out flushes `flushesPerSlice`
    /// connections a slice.
    private func subscribers(_ count: Int, flushesPerSlice: Int) throws -> (EmbeddedEventLoop, FanOut, [EmbeddedConnection]) {
        let loop = EmbeddedEventLoop()
        let fanOut = FanOut(group: loop, metrics: ServerMetrics(), startsLive: true, flushesPerSlice: flushesPerSlice)
        let connections = try (0..<count).map { _ in try EmbeddedConnection(fanOut: fanOut, loop: loop) }
        for connection in connections {
            try connection.send(text: subscribe)
            #expect(try connection.received() == [subscribed])
        }
        return (loop, fanOut, connections)
    }

    private func publish(_ texts: [String], through fanOut: FanOut, on loop: EmbeddedEventLoop) {
        fanOut.publish(texts.enumerated().map { index, text in
            GroupMessage(group: "collection-5", frame: OutboundFrame.text(Array(text.utf8), allocator: .init()), position: Int64(index + 1))
        })
        loop.run()
    }

    /// Lets every pending slice run.
    private func finishSlices(on loop: EmbeddedEventLoop) {
        for _ in 0..<100 { loop.advanceTime(by: LoopSubscriptions.pauseBetweenSlices) }
    }

    @Test func aFanOutLargerThanASliceStopsAfterItAndFinishesAfterThePause() throws {
        let (loop, fanOut, connections) = try subscribers(5, flushesPerSlice: 2)
        publish(["first", "second"], through: fanOut, on: loop)
        #expect(try connections.map { try $0.received().count } == [2, 2, 0, 0, 0], "one slice: two connections flushed")
        finishSlices(on: loop)
        #expect(try connections.map { try $0.received() } == [[], []] + Array(repeating: [.text("first"), .text("second")], count: 3))
    }

    @Test func aPingBetweenSlicesIsAnsweredBeforeTheFanOutEnds() throws {
        let (loop, fanOut, connections) = try subscribers(4, flushesPerSlice: 1)
        publish(["event"], through: fanOut, on: loop)
        try connections[3].send(text: #"{"id":9,"type":"ping"}"#)
        #expect(try connections[3].received() == [.text("event"), .text(#"{"id":9,"type":"pong"}"#)],
                "the pong goes out behind the frame already queued for it")
        #expect(try connections[2].received() == [], "while the fan-out to the others is still under way")
        finishSlices(on: loop)
        #expect(try connections[2].received() == [.text("event")])
        #expect(try connections[3].received() == [])
    }

    @Test func laterPublishesQueueBehindTheEarlierOnesSoEveryoneKeepsTheOrder() throws {
        let (loop, fanOut, connections) = try subscribers(3, flushesPerSlice: 1)
        publish(["a"], through: fanOut, on: loop)
        publish(["b"], through: fanOut, on: loop)
        loop.advanceTime(by: LoopSubscriptions.pauseBetweenSlices)
        publish(["c"], through: fanOut, on: loop)
        finishSlices(on: loop)
        for connection in connections {
            #expect(try connection.received() == [.text("a"), .text("b"), .text("c")])
        }
    }

    @Test func membersWhoLeaveOrCloseMidFanOutDoNotStopTheOthers() throws {
        let (loop, fanOut, connections) = try subscribers(6, flushesPerSlice: 2)
        publish(["a", "b"], through: fanOut, on: loop)
        try connections[2].send(text: #"{"id":2,"type":"unsubscribe","data":{"type":"collection","id":5}}"#)
        let unsubscribed = SentFrame.text(#"{"id":2,"type":"unsubscribe","data":{"group":"collection-5"}}"#)
        #expect(try connections[2].received() == [.text("a"), .text("b"), unsubscribed], "queued before the unsubscribe")
        try connections[3].channel.close().wait()
        finishSlices(on: loop)
        #expect(try connections[4].received() == [.text("a"), .text("b")])
        #expect(try connections[5].received() == [.text("a"), .text("b")])
        publish(["c"], through: fanOut, on: loop)
        finishSlices(on: loop)
        #expect(try connections[2].received() == [], "left the group")
        #expect(try connections[5].received() == [.text("c")])
    }

    @Test func aMemberWhoJoinsMidFanOutGetsOnlyWhatIsPublishedAfter() throws {
        let (loop, fanOut, _) = try subscribers(3, flushesPerSlice: 1)
        let late = try EmbeddedConnection(fanOut: fanOut, loop: loop)
        publish(["a"], through: fanOut, on: loop)
        try late.send(text: subscribe)
        publish(["b"], through: fanOut, on: loop)
        finishSlices(on: loop)
        // "a" went out at position 1: the reply says the subscription starts after it.
        let subscribedAfterA = SentFrame.text(#"{"id":1,"type":"subscribe","data":{"group":"collection-5","position":1}}"#)
        #expect(try late.received() == [subscribedAfterA, .text("b")])
    }
}
