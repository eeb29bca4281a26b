import Logging
import RohrpostRelay
import RohrpostServer
import ServiceLifecycle

/// What `serve` and `demo` both build from their options: the relay, and the services
/// that run beside it (the notification-queue sampler, key reloading).
struct RelayAssembly {
    let relay: Relay
    let services: [ServiceGroupConfiguration.ServiceConfiguration]
    let shutdownGrace: Duration

    init(
        databaseURL: String, server: ServerOptions, journal: JournalOptions, access: AuthOptions.Setup,
        livePage: Bool, publish: PublishConfiguration? = nil, capture: CaptureConfiguration = CaptureConfiguration(),
        defaultSQLHandlers: String? = nil, logger: Logger
    ) throws {
        var configuration = RelayConfiguration(
            databaseURL: databaseURL, server: try server.configuration(), journal: try journal.configuration())
        configuration.metrics = bootstrapMetrics()
        configuration.accessPolicy = access.policy
        configuration.sqlHandlersSchema = try server.sqlHandlersSchema() ?? defaultSQLHandlers
        configuration.shutdownGrace = try server.shutdownGracePeriod()
        configuration.livePage = livePage
        configuration.publish = publish
        configuration.capture = capture
        Self.raiseOpenFileLimit(logger: logger)
        relay = Relay(configuration: configuration, logger: logger)
        shutdownGrace = configuration.shutdownGrace
        let queueSampler = NotificationQueueSampler(connectionString: databaseURL, logger: logger)
        services = [.init(service: relay), .init(service: queueSampler)] + access.services
    }

    /// Every client is a file descriptor: raises the soft limit to the hard one and says
    /// how many clients that leaves room for, with a warning when it is few.
    static func raiseOpenFileLimit(logger: Logger) {
        guard let limit = OpenFileLimit.raiseToHardLimit() else {
            logger.warning("cannot read the open-file limit (RLIMIT_NOFILE); it caps how many clients this relay can hold")
            return
        }
        let metadata: Logger.Metadata = [
            "limit.previous": "\(limit.previous)", "limit.current": "\(limit.current)", "limit.hard": "\(limit.hard)",
        ]
        if limit.clientConnections < 4_096 {
            logger.warning(
                "the open-file limit leaves room for only about \(limit.clientConnections) client connections; raise the hard limit (systemd LimitNOFILE=, docker --ulimit nofile=, ulimit -Hn)",
                metadata: metadata)
        } else {
            logger.info("open-file limit \(limit.current): room for about \(limit.clientConnections) client connections", metadata: metadata)
        }
    }
}
