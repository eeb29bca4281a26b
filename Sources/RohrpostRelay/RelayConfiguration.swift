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
    /// On graceful shutdown, how long clients get to take their 1001 close frame and
    /// writes in flight to finish before their connections are dropped. Defaults to 10 s.
    public var shutdownGrace: Duration = .seconds(10)
    /// Whether `GET /` serves the live page (a group's rows changing live, in a browser) and
    /// `GET /status` the counts it shows. Defaults to off.
    public var livePage = false
    /// Logical capture: the slot lag `/readyz` tolerates, how often to report. The relay
    /// takes part whenever the database is in logical mode.
    public var capture = CaptureConfiguration()
    /// `POST /publish` for services without a database connection; nil serves none.
    /// Defaults to nil.
    public var publish: PublishConfiguration?

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
