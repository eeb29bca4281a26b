import ArgumentParser
import Foundation
import Logging
import RohrpostPostgres
import RohrpostProtocol
import RohrpostRelay
import ServiceLifecycle

/// `rohrpost-relay demo`: everything in one command, to watch it work.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a private PostgreSQL (unless --database-url/DATABASE_URL is given), watch a demo table, write to it a few times a second, and serve.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var journal: JournalOptions
    @OptionGroup var auth: AuthOptions

    @Option(help: "Demo writes per second (0 writes nothing). (default: 2; env: ROHRPOST_WRITES_PER_SECOND)")
    var writesPerSecond: Double?

    @Flag(inversion: .prefixedNo, help: "Serve the live page at / (the todo rows changing live). (default: on; env: ROHRPOST_LIVE_PAGE)")
    var livePage: Bool?

    func run() async throws {
        let logger = try common.bootstrapLogging()
        let serverConfiguration = try server.configuration()
        let writesPerSecond = try OptionEnvironment().value(writesPerSecond, "writes-per-second") ?? 2
        guard writesPerSecond >= 0 else { throw OptionEnvironment().invalid("writes-per-second", "must not be negative") }
        let explicitURL = try common.explicitDatabaseURL()
        let livePage = try OptionEnvironment().isOn(self.livePage, "live-page", default: true)
        var localServer: LocalPostgresServer?
        defer { localServer?.destroy() }
        let databaseURL: String
        if let explicitURL {
            databaseURL = explicitURL
        } else {
            say("Starting a private PostgreSQL for the demo...")
            let started = try await onDedicatedThread { try LocalPostgresServer.create() }
            try started.destroyWhenProcessExits()
            localServer = started
            databaseURL = started.connectionString()
        }
        let access = try await auth.setUp(databaseURL: databaseURL, openByDefault: true, logger: logger)
        defer { access.pool?.shutdown() }
        let database = Database(connectionString: databaseURL)
        try await database.migrate(logger: logger)
        try await DemoTable(database: database).install()

        let assembly = try RelayAssembly(
            databaseURL: databaseURL, server: server, journal: journal, access: access, livePage: livePage,
            defaultSQLHandlers: DemoSchema.handlerSchema, logger: logger)
        let relay = assembly.relay
        let writer = DemoWriter(database: database, writesPerSecond: writesPerSecond, logger: logger)
        let services = ServiceGroup(
            configuration: .init(
                services: assembly.services + [.init(service: writer, successTerminationBehavior: .ignore)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await services.run() }
            let address = try await relay.waitUntilServing()
            printWelcome(
                port: address.port ?? serverConfiguration.port, path: serverConfiguration.path, databaseURL: databaseURL,
                open: access.policy is OpenAccess, livePage: livePage, tls: serverConfiguration.tls != nil)
            try await tasks.waitForAll()
        }
        say("Demo stopped; the private PostgreSQL is removed.")
    }

    /// The `psql` line the welcome prints: it updates the newest row, which exists whenever
    /// it is run (the demo writer removes only the oldest, and keeps three rows).
    static func changeCommand(databaseURL: String) -> String {
        #"psql "\#(databaseURL)" -c "UPDATE todo SET title = 'hello' WHERE id = (SELECT max(id) FROM todo)""#
    }

    private func printWelcome(port: Int, path: String, databaseURL: String, open: Bool, livePage: Bool, tls: Bool) {
        let host = (try? OptionEnvironment().value(server.host, "host")) ?? "127.0.0.1"
        let (ws, http) = tls ? ("wss", "https") : ("ws", "http")
        // A password is not printed; psql asks for it (or finds it in ~/.pgpass).
        let shown = SecretRedactor.withoutPassword(databaseURL)
        say("""

            rohrpost-relay demo is running.

              WebSocket:  \(ws)://\(host):\(port)\(path)
              Live page:  \(livePage ? "\(http)://\(host):\(port)/  (open it in a browser)" : "off (--no-live-page)")
              Subscribe:  {"id": 1, "type": "subscribe", "data": {"type": "todo"}}
                          (or {"type": "collection", "id": 1}, or {"type": "todo", "id": 3})
              Access:     \(open ? "open: no token needed, every group allowed (demo only)" : "JWT: send auth_jwt in each subscribe")
              Database:   \(shown)
              Change a row yourself:
                \(Self.changeCommand(databaseURL: shown))

            Press Ctrl-C to stop.

            """)
    }
}
