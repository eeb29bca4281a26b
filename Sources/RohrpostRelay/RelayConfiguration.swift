import RohrpostPostgres
import RohrpostServer
import RohrpostProtocol

/// Everything a relay needs to run; the executable fills it from flags and environment,
/// tests build it directly.
public struct RelayConfiguration: Sendable {
    /// The WebSocket server: address, path and limits.
    public var server: ServerConfiguration
    /// The LISTEN connection: database and reconnect policy.
    public var listener: ListenerConfiguration
    /// The event journal: retention and client resume.
    public var journal = JournalConfiguration()
    /// Handlers for request types beyond ping, subscribe and unsubscribe. Defaults to none.
    public var handlers = HandlerRegistry()
    /// A schema whose functions `T(claims jsonb, data jsonb) RETURNS jsonb` answer
    /// requests of type `T` that no registered handler answers. Defaults to none.
    public var sqlHandlersSchema: String?
    /// Who may subscribe to what. Defaults to open access.
    public var accessPolicy: any AccessPolicy = OpenAccess()
    /// Where metrics go and what `GET /metrics` serves. Defaults to swift-metrics' global
    /// factory and no `/metrics` endpoint.
    public var metrics = MetricsExport()

    /// Creates a configuration for the database at `databaseURL` (a libpq connection
    /// string or URL; empty uses the `PG*` environment variables) with default settings.
    public init(
        databaseURL: String, server: ServerConfiguration = ServerConfiguration(),
        journal: JournalConfiguration = JournalConfiguration()
    ) {
        self.server = server
        self.journal = journal
        self.listener = ListenerConfiguration(connectionString: databaseURL)
    }
}
