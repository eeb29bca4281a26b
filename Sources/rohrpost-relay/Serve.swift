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

    @Flag(help: "Apply the SQL migrations before serving. (default: off; env: ROHRPOST_MIGRATE=true)")
    var migrate = false

    @Flag(help: "Serve the live page at / (a group's rows changing live; /status feeds its counts). (default: off; env: ROHRPOST_LIVE_PAGE)")
    var livePage = false

    func run() async throws {
        let logger = try common.bootstrapLogging()
        let serverConfiguration = try server.configuration()
        let databaseURL = try common.resolvedDatabaseURL()
        let journalConfiguration = try journal.configuration()
        let shutdownGrace = try server.shutdownGracePeriod()
        let sqlHandlersSchema = try server.sqlHandlersSchema()
        let access = try await auth.setUp(databaseURL: databaseURL, openByDefault: false, logger: logger)
        defer { access.pool?.shutdown() }
        if try OptionEnvironment().isOn(migrate, "migrate") {
            try await Database(connectionString: databaseURL).migrate(logger: logger)
        }
        var configuration = RelayConfiguration(
            databaseURL: databaseURL, server: serverConfiguration, journal: journalConfiguration)
        configuration.metrics = bootstrapMetrics()
        configuration.accessPolicy = access.policy
        configuration.sqlHandlersSchema = sqlHandlersSchema
        configuration.shutdownGrace = shutdownGrace
        configuration.livePage = try OptionEnvironment().isOn(livePage, "live-page")
        let relay = Relay(configuration: configuration, logger: logger)
        let queueSampler = NotificationQueueSampler(connectionString: databaseURL, logger: logger)
        var group = ServiceGroupConfiguration(
            services: [.init(service: relay), .init(service: queueSampler)] + access.services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // The relay keeps to the grace itself; past it (and a margin), whatever still runs is cancelled.
        group.maximumGracefulShutdownDuration = shutdownGrace + .seconds(5)
        let services = ServiceGroup(configuration: group)
        try await services.run()
    }
}
