import Foundation
import RohrpostPostgres
import Synchronization

/// Samples `pg_notification_queue_usage()` every 100 ms on a thread of its own until stopped.
final class NotifyQueueSampler: Sendable {
    private let state = Mutex<(running: Bool, maximum: Double)>((true, 0))
    private let done = Mutex<Bool>(false)

    /// Starts sampling `databaseURL`.
    init(databaseURL: String) {
        let thread = Thread { [self] in
            defer { done.withLock { $0 = true } }
            guard let connection = try? PostgresConnection(connectionString: databaseURL, applicationName: "rohrpost-bench sampler")
            else { return }
            // At most ten minutes of samples.
            for _ in 0..<6000 {
                guard state.withLock({ $0.running }) else { return }
                if let value = (try? connection.query("SELECT pg_notification_queue_usage()"))?.first?.first.flatMap({ $0 }).flatMap(Double.init) {
                    state.withLock { $0.maximum = max($0.maximum, value) }
                }
                usleep(100_000)
            }
        }
        thread.start()
    }

    /// Stops sampling; returns the largest usage seen (0 to 1).
    func stop() -> Double {
        state.withLock { $0.running = false }
        return state.withLock { $0.maximum }
    }
}
