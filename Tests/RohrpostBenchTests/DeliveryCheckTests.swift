import Testing

@testable import rohrpost_bench

/// The loss check of issue 21 as values: what counts as every event delivered, and what a
/// failed step prints.
@Suite struct DeliveryCheckTests {
    @Test func passesOnlyWhenJournalWrittenAndReceivedAgree() {
        #expect(DeliveryCheck(journalEvents: 500, rowsWritten: 500, receivedByEveryClient: 500).passed)
        #expect(!DeliveryCheck(journalEvents: 500, rowsWritten: 500, receivedByEveryClient: 497).passed)
        #expect(!DeliveryCheck(journalEvents: 499, rowsWritten: 500, receivedByEveryClient: 499).passed)
        #expect(DeliveryCheck(journalEvents: 500, rowsWritten: 500, receivedByEveryClient: 450, unsubscribedEvents: 50).passed)
    }

    @Test func aFailedStepSaysHowManyWereNotReceived() {
        let line = DeliveryCheck(journalEvents: 124_274, rowsWritten: 124_274, receivedByEveryClient: 124_179).line("latency relay step 0")
        #expect(line == "DELIVERY CHECK FAILED (latency relay step 0): journal 124274 events, 124274 rows written, 124179 received by every client of their group: 95 not received")
        let passed = DeliveryCheck(journalEvents: 3, rowsWritten: 3, receivedByEveryClient: 3).line("smoke relay step 0")
        #expect(passed == "# delivery (smoke relay step 0): journal 3 events, 3 rows written, 3 received by every client of their group: all")
    }

    /// A group counts what its worst client got, over every loop and process merged, so one
    /// client's loss is not hidden by another client of the same group.
    @Test func everyClientCountsTheLeastOfItsGroupAcrossLoops() {
        var first = StepTally()
        first.leastPerGroup = [0: 10, 1: 10]
        var second = StepTally()
        second.leastPerGroup = [0: 7, 2: 10]
        first.merge(second)
        #expect(first.leastPerGroup == [0: 7, 1: 10, 2: 10])
        #expect(first.receivedByEveryClient == 27)
    }

    @Test func aLoopsTallyKeepsItsWorstClientPerGroupAndSkipsStalledOnes() {
        let loop = LoopStats()
        let full = ClientStats(group: 0, isStalled: false)
        let short = ClientStats(group: 0, isStalled: false)
        let stalled = ClientStats(group: 1, isStalled: true)
        for id in 1...5 { full.count(eventID: Int64(id)) }
        for id in [1, 2, 2, 4] { short.count(eventID: Int64(id)) }
        loop.clients = [full, short, stalled]
        let tally = loop.tally(expected: [5, 5])
        #expect(tally.leastPerGroup == [0: 3])
        #expect(tally.missing == 2)
    }
}
