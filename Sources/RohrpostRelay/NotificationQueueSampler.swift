import CoreMetrics
import Logging
import ServiceLifecycle

/// Samples PostgreSQL's `pg_notification_queue_usage()` on a short connection of its own
/// every `interval`, as `rohrpost_pg_notification_queue_usage_ratio` (0 to 1).
///
/// The queue fills when a listener (this relay or any other) stops consuming NOTIFYs;
/// when it is full, every transaction that sends NOTIFY fails at commit. A service:
/// `run()` returns on graceful shutdown or cancellation.
public struct NotificationQueueSampler: Service {
    private let database: Database
    private let interval: Duration
    private let usage: Gauge
    private let logger: Logger

    /// Creates a sampler of the database at `connectionString`, recording with `factory`
    /// (nil: swift-metrics' global factory). `interval` defaults to 15 s.
    public init(
        connectionString: String, interval: Duration = .seconds(15),
        factory: (any MetricsFactory)? = nil, logger: Logger
    ) {
        self.database = Database(connectionString: connectionString)
        self.interval = interval
        self.usage = Gauge(label: "rohrpost_pg_notification_queue_usage_ratio", factory: factory ?? MetricsSystem.factory)
        self.logger = logger
    }

    /// Samples until graceful shutdown or cancellation.
    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sample()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Reads and records the queue usage once and returns it; a failure is logged, the
    /// gauge keeps its value, and the result is nil.
    @discardableResult
    func sample() async -> Double? {
        do {
            let rows = try await database.withConnection { connection in
                try connection.query("SELECT pg_notification_queue_usage()")
            }
            guard let text = rows.first?.first ?? nil, let value = Double(text) else { return nil }
            usage.record(value)
            return value
        } catch {
            logger.debug("cannot sample pg_notification_queue_usage(): \(error)")
            return nil
        }
    }
}
