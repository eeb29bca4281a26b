import Foundation
import Logging
import Synchronization

/// A few libpq connections, each on a thread of its own, for the relay's short queries
/// (resume backlogs, retention), never the LISTEN connection.
///
/// Work is queued and taken by the next free worker; a worker reconnects when its
/// connection broke. Completions run on the worker's thread: hop to where they belong.
public final class QueryPool: Sendable {
    /// A unit of work: runs with a connection on a worker thread.
    public typealias Job = @Sendable (Result<PostgresConnection, PostgresError>) -> Void

    private let connectionString: String
    private let applicationName: String
    private let logger: Logger
    private let queue = Mutex<State>(State())
    private let condition = NSCondition()

    private struct State: ~Copyable {
        var jobs: [Job] = []
        var head = 0
        var stopped = false
    }

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
    public func submit(_ job: @escaping Job) {
        condition.lock()
        let accepted = queue.withLock { state in
            guard !state.stopped else { return false }
            state.jobs.append(job)
            return true
        }
        condition.signal()
        condition.unlock()
        if !accepted {
            job(.failure(PostgresError(.connectionLost, "the relay is shutting down")))
        }
    }

    /// Runs `body` with a pooled connection and returns its result.
    public func run<Value: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            submit { connection in
                continuation.resume(with: Result { try body(connection.get()) })
            }
        }
    }

    /// Stops the workers once the queued jobs are done.
    public func shutdown() {
        condition.lock()
        queue.withLock { $0.stopped = true }
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        var connection: PostgresConnection?
        while let job = nextJob() {
            if connection?.isHealthy != true {
                connection = nil
                do {
                    connection = try PostgresConnection(connectionString: connectionString, applicationName: applicationName)
                } catch let error as PostgresError {
                    logger.warning("query connection failed: \(error)")
                    job(.failure(error))
                    continue
                } catch {
                    job(.failure(PostgresError(.connectionFailed, "\(error)")))
                    continue
                }
            }
            job(.success(connection!))
        }
    }

    /// The next job, waiting for one; nil once stopped and drained.
    private func nextJob() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let taken: Job?? = queue.withLock { state in
                if state.head < state.jobs.count {
                    let job = state.jobs[state.head]
                    state.head += 1
                    if state.head == state.jobs.count {
                        state.jobs.removeAll(keepingCapacity: true)
                        state.head = 0
                    }
                    return .some(job)
                }
                return state.stopped ? .some(nil) : nil
            }
            if let taken { return taken }
            condition.wait()
        }
    }
}
