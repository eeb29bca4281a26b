import Foundation
import Logging
import Synchronization

/// A few libpq connections, each on a thread of its own, for the relay's short queries
/// (resume backlogs, authorization, handlers, publish, retention), never the LISTEN
/// connection.
///
/// Work is queued and taken by the next free worker. A pooled connection may have died
/// since its last use (a terminated backend, a restarted server): the worker checks it
/// before handing it out, and replaces a dead one before anything is sent on it, which is
/// safe for reads and writes alike. Completions run on the worker's thread: hop to where
/// they belong.
public final class QueryPool: Sendable {
    /// A unit of work: runs with a connection on a worker thread.
    public typealias Job = @Sendable (Result<PostgresConnection, PostgresError>) -> Void

    private let connectionString: String
    private let applicationName: String
    private let logger: Logger
    private let queue = Mutex<QueryQueue<Job>>(QueryQueue())
    private let condition = NSCondition()
    /// The pause before jobs waiting for the database try again.
    private let backoff = ReconnectBackoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(2))

    /// How many times a read that waits for the database is run again after losing its
    /// connection midway (each time on a fresh one) before its error is handed on: enough
    /// for any outage, finite for a query that itself brings its backend down.
    static let lostReadRetries = 10

    /// Starts `size` worker threads; they connect when their first job arrives.
    public init(connectionString: String, size: Int = 2, applicationName: String = "rohrpost-relay query", logger: Logger) {
        self.connectionString = connectionString
        self.applicationName = applicationName
        self.logger = logger
        for index in 0..<max(1, size) {
            let thread = Thread { [self] in work() }
            thread.name = "rohrpost-query-\(index)"
            thread.start()
        }
    }

    /// Queues `job`; it gets a connection, or the error that kept the worker from connecting.
    ///
    /// - Parameter waitingForDatabase: true to hold the job while the database cannot be
    ///   reached, trying again with a growing pause (up to 2 s), instead of failing it; it
    ///   fails then only when the pool stops. Defaults to false.
    public func submit(waitingForDatabase: Bool = false, _ job: @escaping Job) {
        condition.lock()
        let accepted = queue.withLock { $0.append(.init(job: job, waitsForDatabase: waitingForDatabase)) }
        condition.signal()
        condition.unlock()
        if !accepted { job(.failure(Self.stoppedError)) }
    }

    /// Runs `body`, a read that is safe to run twice, and calls `completion` with its
    /// result on a worker thread. A read that loses its connection midway is run again on
    /// a fresh one: once, or with `waitingForDatabase` up to ``lostReadRetries`` times,
    /// waiting for the database meanwhile (see ``submit(waitingForDatabase:_:)``).
    public func read<Value: Sendable>(
        waitingForDatabase: Bool = false, _ body: @escaping @Sendable (PostgresConnection) throws -> Value,
        completion: @escaping @Sendable (Result<Value, any Error>) -> Void
    ) {
        read(attempt: 0, retries: waitingForDatabase ? Self.lostReadRetries : 1, waitingForDatabase, body, completion)
    }

    private func read<Value: Sendable>(
        attempt: Int, retries: Int, _ waitingForDatabase: Bool, _ body: @escaping @Sendable (PostgresConnection) throws -> Value,
        _ completion: @escaping @Sendable (Result<Value, any Error>) -> Void
    ) {
        submit(waitingForDatabase: waitingForDatabase) { [self] connection in
            do {
                completion(.success(try body(connection.get())))
            } catch let error as PostgresError where error.code == .connectionLost && attempt < retries {
                logger.debug("a read lost its connection; running it again", metadata: ["error": "\(error)"])
                read(attempt: attempt + 1, retries: retries, waitingForDatabase, body, completion)
            } catch {
                completion(.failure(error))
            }
        }
    }

    /// Runs `body` with a pooled connection and returns its result.
    ///
    /// `body` runs once: it may write, and a write whose connection broke midway may have
    /// committed, so only the caller can tell whether running it again is safe.
    public func run<Value: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            submit { connection in
                continuation.resume(with: Result { try body(connection.get()) })
            }
        }
    }

    /// Runs `body`, a read that is safe to run twice, with a pooled connection and returns
    /// its result; a read that loses its connection midway is run once more on a fresh one.
    public func read<Value: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            read(body) { continuation.resume(with: $0) }
        }
    }

    /// Stops the workers once the queued jobs are done; jobs waiting for the database get
    /// an error with code `stopped`.
    public func shutdown() {
        condition.lock()
        let parked = queue.withLock { $0.stop() }
        condition.broadcast()
        condition.unlock()
        for job in parked { job(.failure(Self.stoppedError)) }
    }

    private static var stoppedError: PostgresError {
        PostgresError(.stopped, "the relay is shutting down")
    }

    private func work() {
        var connection: PostgresConnection?
        while let entry = nextJob() {
            if let open = connection, !open.isStillConnected() {
                logger.debug("replacing a query connection the server closed")
                connection = nil
            }
            if connection == nil {
                do {
                    connection = try PostgresConnection(connectionString: connectionString, applicationName: applicationName)
                    queue.withLock { $0.connected() }
                } catch {
                    let error = error as? PostgresError ?? PostgresError(.connectionFailed, "\(error)")
                    logger.warning("query connection failed: \(error)")
                    databaseUnreachable(entry, error)
                    continue
                }
            }
            entry.job(.success(connection!))
        }
    }

    /// Parks the jobs that wait for the database and fails the others; schedules the next
    /// try for the parked ones.
    private func databaseUnreachable(_ entry: QueryQueue<Job>.Entry, _ error: PostgresError) {
        let answer = queue.withLock { $0.unreachable(entry) }
        for job in answer.fail { job(.failure(error)) }
        guard let attempt = answer.retryAttempt else { return }
        let pause = backoff.delay(attempt: attempt)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(pause.wholeMilliseconds))) { [self] in
            condition.lock()
            queue.withLock { $0.retryParked() }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next job, waiting for one; nil once stopped and drained.
    private func nextJob() -> QueryQueue<Job>.Entry? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            switch queue.withLock({ $0.next() }) {
            case .run(let entry): return entry
            case .finished: return nil
            case .wait: condition.wait()
            }
        }
    }
}
