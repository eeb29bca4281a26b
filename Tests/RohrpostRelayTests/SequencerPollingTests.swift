@testable import RohrpostRelay
import Testing

/// How often the trigger-capture sequencer looks for commits: the batch window while they
/// flow, a stretched window under load, backing off to the idle interval when quiet.
@Suite struct SequencerPollingTests {
    @Test func commitsFlowingOrMaybeCommittingKeepTheWindow() {
        var polling = SequencerPolling(active: .milliseconds(2), idle: .milliseconds(50))
        #expect(polling.looked(numbered: 1, pending: false) == .milliseconds(2))
        #expect(polling.looked(numbered: 0, pending: true) == .milliseconds(2))
        #expect(polling.looked(numbered: SequencerPolling.busyBatch - 1, pending: true) == .milliseconds(2))
    }

    @Test func aBusyBatchStretchesTheNextWaitAndALightOneShortensItAgain() {
        var polling = SequencerPolling(active: .milliseconds(2), idle: .milliseconds(50))
        #expect(polling.looked(numbered: SequencerPolling.busyBatch, pending: true) == .milliseconds(6))
        #expect(polling.looked(numbered: 10_000, pending: true) == .milliseconds(6))
        #expect(polling.looked(numbered: 2, pending: false) == .milliseconds(2))
    }

    @Test func emptyLooksBackOffByDoublingUpToTheIdleInterval() {
        var polling = SequencerPolling(active: .milliseconds(2), idle: .milliseconds(50))
        let waits = (0..<6).map { _ in polling.looked(numbered: 0, pending: false) }
        #expect(waits == [.milliseconds(4), .milliseconds(8), .milliseconds(16), .milliseconds(32), .milliseconds(50), .milliseconds(50)])
        #expect(polling.looked(numbered: 1, pending: false) == .milliseconds(2))
    }
}
