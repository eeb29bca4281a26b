/// The work a ``QueryPool`` has waiting, and what becomes of it while the database cannot
/// be reached: a value, so the rules are tested without threads or a server.
///
/// A job either gets the connection error at once, or, if it waits for the database, is
/// parked until the pool tries again after a pause; one failed connection attempt parks (or
/// fails) everything queued, so an outage costs one attempt per pause, not one per job.
struct QueryQueue<Job: Sendable>: Sendable {
    /// A queued job and whether it waits for the database rather than fail.
    struct Entry: Sendable {
        var job: Job
        var waitsForDatabase: Bool
    }

    /// What the queue hands a worker.
    enum Next: Sendable {
        /// Run this job.
        case run(Entry)
        /// Nothing to do yet: wait for a signal.
        case wait
        /// Stopped and drained: the worker ends.
        case finished
    }

    /// What to do after a failed connection attempt.
    struct Unreachable: Sendable {
        /// Jobs to hand the connection error now.
        var fail: [Job] = []
        /// When set, parked jobs are to be tried again after the pause for this attempt
        /// number (0 for the first failure in a row); nil when a retry is already due.
        var retryAttempt: Int?
    }

    private var jobs: [Entry] = []
    private var head = 0
    /// Jobs waiting for the database to be reachable again.
    private(set) var parked: [Entry] = []
    /// Whether the pool was shut down.
    private(set) var stopped = false
    /// Connection attempts that failed in a row, for the pause before the next.
    private(set) var failuresInARow = 0
    private var retryDue = false

    /// Queues `entry`; false once stopped (the caller fails the job).
    mutating func append(_ entry: Entry) -> Bool {
        guard !stopped else { return false }
        jobs.append(entry)
        return true
    }

    /// The next job for a worker.
    mutating func next() -> Next {
        guard head < jobs.count else { return stopped ? .finished : .wait }
        let entry = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        }
        return .run(entry)
    }

    /// A connection attempt succeeded.
    mutating func connected() {
        failuresInARow = 0
    }

    /// A connection attempt for `failed` did not succeed: it and every queued job either
    /// park (those that wait for the database) or get the error.
    mutating func unreachable(_ failed: Entry) -> Unreachable {
        var answer = Unreachable()
        let waiting = [failed] + jobs[head...]
        jobs.removeAll(keepingCapacity: true)
        head = 0
        for entry in waiting {
            if entry.waitsForDatabase && !stopped {
                parked.append(entry)
            } else {
                answer.fail.append(entry.job)
            }
        }
        failuresInARow += 1
        if !parked.isEmpty && !retryDue {
            retryDue = true
            answer.retryAttempt = failuresInARow - 1
        }
        return answer
    }

    /// The pause is over: parked jobs go to the front of the queue, oldest first.
    mutating func retryParked() {
        retryDue = false
        jobs = parked + jobs[head...]
        head = 0
        parked = []
    }

    /// Stops taking jobs; returns the parked ones, to be failed (queued ones still run).
    mutating func stop() -> [Job] {
        stopped = true
        defer { parked = [] }
        return parked.map(\.job)
    }
}
