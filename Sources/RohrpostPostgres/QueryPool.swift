import Logging
import Synchronization

/// A few libpq connections for the relay's short queries (resume backlogs, authorization,
/// handlers, publish, retention), never the LISTEN connection: `size` workers, each an
/// actor that owns one connection and runs on a thread of its own (`ConnectionThread`), as
/// every connection of the relay does (see `PostgresConnection`).
///
/// Work is queued and taken by the next free worker. A pooled connection may have died
/// since its last use (a terminated backend, a restarted server): the worker checks it
/// before handing it out, and replaces a dead one before anything is sent on it, which is
/// safe for reads and writes alike.
public final class QueryPool: Sendable {
    /// A unit of work: runs with a connection on a worker's thread.
    typealias Job = @Sendable (Result<PostgresConnection, PostgresError>) -> Void
    typealias Entry = QueryQueue<Job>.Entry

    private struct State: Sendable {
        var queue = QueryQueue<Job>()
        /// Workers waiting for a job.
        var idle: [CheckedContinuation<Entry?, Never>] = []

        /// Hands queued jobs to idle workers, and ends idle workers once stopped and
        /// drained; the continuations to resume, outside the lock.
        mutating func match() -> [(CheckedContinuation<Entry?, Never>, Entry?)] {
            var handed: [(CheckedContinuation<Entry?, Never>, Entry?)] = []
            while !idle.isEmpty {
                switch queue.next() {
                case .run(let entry): handed.append((idle.removeLast(), entry))
                case .finished: handed.append((idle.removeLast(), nil))
                case .wait: return handed
                }
            }
            return handed
        }
    }

    private let connectionString: String
    private let applicationName: String
    fileprivate let logger: Logger
    private let state = Mutex(State())
    /// The pause before jobs waiting for the database try again.
    private let backoff = ReconnectBackoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(2))

    /// How many times a read that waits for the database is run again after losing its
    /// connection midway (each time on a fresh one) before its error is handed on: enough
    /// for any outage, finite for a query that itself brings its backend down.
    static let lostReadRetries = 10

    /// Starts `size` workers; they connect when their first job arrives.
    public init(connectionString: String, size: Int = 2, applicationName: String = "rohrpost-relay query", logger: Logger) {
        self.connectionString = connectionString
        self.applicationName = applicationName
        self.logger = logger
        for index in 0..<max(1, size) {
            let worker = Worker(name: "rohrpost-query-\(index)")
            Task { await worker.work(for: self) }
        }
    }

    /// Runs `body`, a read that is safe to run twice, with a pooled connection and returns
    /// its result. A read that loses its connection midway is run again on a fresh one:
    /// once, or with `waitingForDatabase` up to ``lostReadRetries`` times.
    ///
    /// - Parameter waitingForDatabase: true to wait while the database cannot be reached,
    ///   trying again with a growing pause (up to 2 s), instead of failing; it fails then
    ///   only when the pool stops (code `stopped`). Defaults to false.
    public func read<Value: Sendable>(
        waitingForDatabase: Bool = false, _ body: @escaping @Sendable (PostgresConnection) throws -> Value
    ) async throws -> Value {
        let retries = waitingForDatabase ? Self.lostReadRetries : 1
        var attempt = 0
        while true {
            do {
                return try await run(waitingForDatabase: waitingForDatabase, body)
            } catch let error as PostgresError where error.code == .connectionLost && attempt < retries {
                attempt += 1
                logger.debug("a read lost its connection; running it again", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Runs `body` with a pooled connection and returns its result.
    ///
    /// `body` runs once: it may write, and a write whose connection broke midway may have
    /// committed, so only the caller can tell whether running it again is safe.
    public func run<Value: Sendable>(
        waitingForDatabase: Bool = false, _ body: @escaping @Sendable (PostgresConnection) throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            submit(waitingForDatabase: waitingForDatabase) { connection in
                continuation.resume(with: Result { try body(connection.get()) })
            }
        }
    }

    /// Stops the workers once the queued jobs are done; jobs waiting for the database get
    /// an error with code `stopped`.
    public func shutdown() {
        let (parked, handed) = state.withLock { state in (state.queue.stop(), state.match()) }
        for job in parked { job(.failure(Self.stoppedError)) }
        for (worker, entry) in handed { worker.resume(returning: entry) }
    }

    private static var stoppedError: PostgresError {
        PostgresError(.stopped, "the relay is shutting down")
    }

    /// Queues `job`; it gets a connection, or the error that kept the worker from connecting.
    private func submit(waitingForDatabase: Bool, _ job: @escaping Job) {
        let (accepted, handed) = state.withLock { state in
            (state.queue.append(Entry(job: job, waitsForDatabase: waitingForDatabase)), state.match())
        }
        if !accepted { job(.failure(Self.stoppedError)) }
        for (worker, entry) in handed { worker.resume(returning: entry) }
    }

    /// The next job for a worker, waiting for one; nil once stopped and drained.
    fileprivate func nextJob() async -> Entry? {
        await withCheckedContinuation { continuation in
            let handed = state.withLock { state in
                state.idle.append(continuation)
                return state.match()
            }
            for (worker, entry) in handed { worker.resume(returning: entry) }
        }
    }

    fileprivate func connect() throws -> PostgresConnection {
        let connection = try PostgresConnection(connectionString: connectionString, applicationName: applicationName)
        state.withLock { $0.queue.connected() }
        return connection
    }

    /// Parks the jobs that wait for the database and fails the others; schedules the next
    /// try for the parked ones.
    fileprivate func databaseUnreachable(_ entry: Entry, _ error: PostgresError) {
        logger.warning("query connection failed: \(error)")
        let answer = state.withLock { $0.queue.unreachable(entry) }
        for job in answer.fail { job(.failure(error)) }
        guard let attempt = answer.retryAttempt else { return }
        let pause = backoff.delay(attempt: attempt)
        Task {
            try? await Task.sleep(for: pause)
            let handed = state.withLock { state in
                state.queue.retryParked()
                return state.match()
            }
            for (worker, entry) in handed { worker.resume(returning: entry) }
        }
    }
}

extension QueryPool {
    /// One pooled connection: an actor on a thread of its own, which takes jobs from the
    /// pool until it stops, and runs each with its connection on that thread.
    private actor Worker {
        private let thread: ConnectionThread
        private var connection: PostgresConnection?

        nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

        init(name: String) {
            thread = ConnectionThread(name: name)
        }

        deinit {
            thread.stop()
        }

        func work(for pool: QueryPool) async {
            while let entry = await pool.nextJob() {
                if let open = connection, !open.isStillConnected() {
                    pool.logger.debug("replacing a query connection the server closed")
                    connection = nil
                }
                if connection == nil {
                    do {
                        connection = try pool.connect()
                    } catch {
                        pool.databaseUnreachable(entry, error as? PostgresError ?? PostgresError(.connectionFailed, "\(error)"))
                        continue
                    }
                }
                entry.job(.success(connection!))
            }
            connection = nil
        }
    }
}
