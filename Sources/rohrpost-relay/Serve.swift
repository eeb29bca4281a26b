import ArgumentParser
import Logging
import RohrpostPostgres
import RohrpostRelay
import ServiceLifecycle

/// `rohrpost-relay serve`: LISTEN on the database and serve WebSocket clients.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "LISTEN for row changes and serve rohrpost clients over WebSocket.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var journal: JournalOptions
    @OptionGroup var auth: AuthOptions

    @Flag(help: "Apply the SQL migrations before serving.")
    var migrate = false

    func run() async throws {
        let logger = try common.bootstrapLogging()
        let serverConfiguration = try server.configuration()
        let databaseURL = common.resolvedDatabaseURL
        let access = try await auth.setUp(databaseURL: databaseURL, openByDefault: false, logger: logger)
        defer { access.pool?.shutdown() }
        if migrate {
            try await Database(connectionString: databaseURL).migrate(logger: logger)
        }
        var configuration = RelayConfiguration(
            databaseURL: databaseURL, server: serverConfiguration, journal: try journal.configuration())
        configuration.metrics = bootstrapMetrics()
        configuration.accessPolicy = access.policy
        configuration.sqlHandlersSchema = server.sqlHandlersSchema
        let relay = Relay(configuration: configuration, logger: logger)
        let queueSampler = NotificationQueueSampler(connectionString: databaseURL, logger: logger)
        let services = ServiceGroup(
            configuration: .init(
                services: [.init(service: relay), .init(service: queueSampler)] + access.services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await services.run()
    }
}
