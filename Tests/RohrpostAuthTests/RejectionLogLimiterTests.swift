import RohrpostAuth
import Testing

/// Refused tokens are logged at info level: the first of each reason, then one per interval
/// with how many were left out, so a client retrying a bad token cannot flood the log.
@Suite struct RejectionLogLimiterTests {
    @Test func theFirstOfEachReasonIsLoggedThenOnePerInterval() {
        var limiter = RejectionLogLimiter(interval: .seconds(60))
        let start = ContinuousClock.now
        #expect(limiter.record("bad_signature", at: start) == 0)
        #expect(limiter.record("bad_signature", at: start + .seconds(1)) == nil)
        #expect(limiter.record("expired", at: start + .seconds(2)) == 0, "another reason is logged at once")
        #expect(limiter.record("bad_signature", at: start + .seconds(59)) == nil)
        #expect(limiter.record("bad_signature", at: start + .seconds(61)) == 2, "logged again, with the two left out")
        #expect(limiter.record("bad_signature", at: start + .seconds(62)) == nil)
    }

    @Test func reasonsAreMetricLabels() {
        #expect(TokenRejection.badSignature.reason == "bad_signature")
        #expect(TokenRejection.algorithmNotAccepted("none").reason == "algorithm_not_accepted")
        #expect(TokenRejection.algorithmNotAccepted("a b\nc" + String(repeating: "x", count: 40)).description == "algorithm 'abcxxxxxxxxxxx' not accepted")
    }
}
