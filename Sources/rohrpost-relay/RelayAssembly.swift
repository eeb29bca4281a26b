import Logging
import RohrpostRelay
import ServiceLifecycle

/// What `serve` and `demo` both build from their options: the relay, and the services
/// that run beside it (the notification-queue sampler, key reloading).
struct RelayAssembly {
    let relay: Relay
    let services: [ServiceGroupConfiguration.ServiceConfiguration]
    let shutdownGrace: Duration

    init(
        databaseURL: String, server: ServerOptions, journal: JournalOptions, access: AuthOptions.Setup,
        livePage: Bool, logger: Logger
    ) throws {
        var configuration = RelayConfiguration(
            databaseURL: databaseURL, server: try server.configuration(), journal: try journal.configuration())
        configuration.metrics = bootstrapMetrics()
        configuration.accessPolicy = access.policy
        configuration.sqlHandlersSchema = try server.sqlHandlersSchema()
        configuration.shutdownGrace = try server.shutdownGracePeriod()
        configuration.livePage = livePage
        relay = Relay(configuration: configuration, logger: logger)
        shutdownGrace = configuration.shutdownGrace
        let queueSampler = NotificationQueueSampler(connectionString: databaseURL, logger: logger)
        services = [.init(service: relay), .init(service: queueSampler)] + access.services
    }
}
