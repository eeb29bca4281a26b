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
    @OptionGroup var publish: PublishOptions
    @OptionGroup var capture: CaptureOptions

    @Flag(help: "Apply the SQL migrations before serving. (default: off; env: ROHRPOST_MIGRATE=true)")
    var migrate = false

    @Flag(help: "Serve the live page at / (a group's rows changing live; /status feeds its counts). (default: off; env: ROHRPOST_LIVE_PAGE)")
    var livePage = false

    func run() async throws {
        let logger = try common.bootstrapLogging()
        let databaseURL = try common.resolvedDatabaseURL()
        let access = try await auth.setUp(databaseURL: databaseURL, openByDefault: false, logger: logger)
        defer { access.pool?.shutdown() }
        let livePage = try OptionEnvironment().isOn(livePage, "live-page")
        let publish = try publish.configuration(verifier: access.tokenVerifier)
        let captureConfiguration = try capture.configuration()
        // Before the relay exists: a failure here stops the start with its one line.
        if try OptionEnvironment().isOn(migrate, "migrate") {
            try await Database(connectionString: databaseURL).migrate(logger: logger)
        } else {
            try await SchemaCheck.requireMigrated(databaseURL: databaseURL, logger: logger)
        }
        try await capture.prepare(databaseURL: databaseURL, logger: logger)
        let assembly = try RelayAssembly(
            databaseURL: databaseURL, server: server, journal: journal, access: access, livePage: livePage,
            publish: publish, capture: captureConfiguration, logger: logger)
        var group = ServiceGroupConfiguration(
            services: assembly.services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // The relay keeps to the grace itself; past it (and a margin), whatever still runs is cancelled.
        group.maximumGracefulShutdownDuration = assembly.shutdownGrace + .seconds(5)
        try await ServiceGroup(configuration: group).run()
    }
}
