import RohrpostPostgres
import RohrpostServer

/// Everything a relay needs to run; the executable fills it from flags and environment,
/// tests build it directly.
public struct RelayConfiguration: Sendable {
    /// The WebSocket server: address, path and limits.
    public var server: ServerConfiguration
    /// The LISTEN connection: database and reconnect policy.
    public var listener: ListenerConfiguration
    /// Who may subscribe to what. Defaults to open access.
    public var accessPolicy: any AccessPolicy = OpenAccess()

    /// Creates a configuration for the database at `databaseURL` (a libpq connection
    /// string or URL; empty uses the `PG*` environment variables) with default settings.
    public init(databaseURL: String, server: ServerConfiguration = ServerConfiguration()) {
        self.server = server
        self.listener = ListenerConfiguration(connectionString: databaseURL)
    }
}
