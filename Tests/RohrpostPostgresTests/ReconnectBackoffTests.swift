import RohrpostPostgres
import Testing

/// How long the listener waits before each reconnect attempt.
@Suite struct ReconnectBackoffTests {
    @Test func theFirstRetryWaitsTheInitialDelayAtMost() {
        let backoff = ReconnectBackoff(randomFraction: { 1.0 })
        #expect(backoff.delay(attempt: 0) == .milliseconds(100))
    }

    @Test func theFirstRetryWaitsHalfTheInitialDelayAtLeast() {
        let backoff = ReconnectBackoff(randomFraction: { 0 })
        #expect(backoff.delay(attempt: 0) == .milliseconds(50))
    }

    @Test func jitterPicksAWaitBetweenHalfAndAllOfTheDelay() {
        let backoff = ReconnectBackoff(randomFraction: { 0.5 })
        #expect(backoff.delay(attempt: 1) == .milliseconds(150))
    }

    @Test func eachAttemptDoublesTheDelay() {
        let backoff = ReconnectBackoff(initialDelay: .milliseconds(10), randomFraction: { 1.0 })
        #expect((0..<5).map { backoff.delay(attempt: $0) } == [10, 20, 40, 80, 160].map { .milliseconds($0) })
    }

    @Test func theDelayStopsGrowingAtTheMaximum() {
        let backoff = ReconnectBackoff(maximumDelay: .seconds(10), randomFraction: { 1.0 })
        #expect(backoff.delay(attempt: 7) == .seconds(10))
        #expect(backoff.delay(attempt: 8) == .seconds(10))
    }

    @Test func aVeryHighAttemptNumberStillWaitsTheMaximum() {
        let backoff = ReconnectBackoff(maximumDelay: .seconds(10), randomFraction: { 1.0 })
        #expect(backoff.delay(attempt: 1_000_000) == .seconds(10))
    }

    @Test func theDefaultJitterStaysWithinHalfAndAllOfTheDelay() {
        let backoff = ReconnectBackoff()
        for _ in 0..<100 {
            #expect((Duration.milliseconds(50)...Duration.milliseconds(100)).contains(backoff.delay(attempt: 0)))
        }
    }
}
