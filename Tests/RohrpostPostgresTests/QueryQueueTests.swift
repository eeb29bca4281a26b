import Testing

@testable import RohrpostPostgres

/// What the query pool does with its work while the database cannot be reached: jobs that
/// wait for it are parked and tried again after a pause, the others fail at once, and one
/// failed attempt costs one pause, not one per job.
@Suite struct QueryQueueTests {
    typealias Queue = QueryQueue<String>

    static func entry(_ name: String, waits: Bool) -> Queue.Entry {
        Queue.Entry(job: name, waitsForDatabase: waits)
    }

    static func taken(_ queue: inout Queue) -> [String] {
        var names: [String] = []
        while case .run(let entry) = queue.next() { names.append(entry.job) }
        return names
    }

    @Test func jobsRunInTheOrderTheyCame() {
        var queue = Queue()
        let accepted = [queue.append(Self.entry("a", waits: false)), queue.append(Self.entry("b", waits: true))]
        #expect(accepted == [true, true])
        #expect(Self.taken(&queue) == ["a", "b"])
        guard case .wait = queue.next() else {
            Issue.record("an empty queue that runs waits")
            return
        }
    }

    @Test func anUnreachableDatabaseParksWaitingJobsAndFailsTheOthersAtOnce() {
        var queue = Queue()
        for (name, waits) in [("queued read", true), ("queued call", false)] {
            _ = queue.append(Self.entry(name, waits: waits))
        }
        let answer = queue.unreachable(Self.entry("resume", waits: true))
        #expect(answer.fail == ["queued call"], "a job that does not wait gets the error without another attempt")
        #expect(queue.parked.map(\.job) == ["resume", "queued read"])
        #expect(answer.retryAttempt == 0)
        #expect(Self.taken(&queue) == [], "parked jobs wait for the pause")
    }

    @Test func oneRetryIsDueAtATimeAndThePauseGrowsWithFailuresInARow() {
        var queue = Queue()
        #expect(queue.unreachable(Self.entry("a", waits: true)).retryAttempt == 0)
        #expect(queue.unreachable(Self.entry("b", waits: true)).retryAttempt == nil, "a retry is already due")
        queue.retryParked()
        #expect(Self.taken(&queue) == ["a", "b"])
        #expect(queue.unreachable(Self.entry("a", waits: true)).retryAttempt == 2)
        queue.connected()
        queue.retryParked()
        _ = Self.taken(&queue)
        #expect(queue.unreachable(Self.entry("c", waits: true)).retryAttempt == 0, "a connection starts the pauses afresh")
    }

    @Test func parkedJobsGoAheadOfJobsQueuedMeanwhile() {
        var queue = Queue()
        _ = queue.unreachable(Self.entry("parked", waits: true))
        _ = queue.append(Self.entry("new", waits: false))
        queue.retryParked()
        #expect(Self.taken(&queue) == ["parked", "new"])
    }

    @Test func stoppingFailsParkedJobsAndRefusesNewOnes() {
        var queue = Queue()
        _ = queue.unreachable(Self.entry("parked", waits: true))
        _ = queue.append(Self.entry("queued", waits: false))
        #expect(queue.stop() == ["parked"])
        let late = queue.append(Self.entry("late", waits: false))
        #expect(!late)
        #expect(Self.taken(&queue) == ["queued"], "queued jobs still run")
        guard case .finished = queue.next() else {
            Issue.record("a stopped, drained queue ends its workers")
            return
        }
        #expect(queue.unreachable(Self.entry("waits", waits: true)).fail == ["waits"], "a stopped pool parks nothing")
    }
}
