/// Settings of the LISTEN connection.
public struct ListenerConfiguration: Sendable {
    /// A libpq connection string or URL; empty means libpq's defaults and the `PG*`
    /// environment variables. Defaults to empty.
    public var connectionString: String
    /// The NOTIFY channel the SQL triggers wake the relay on. Defaults to `rohrpost`.
    public var channel: String = "rohrpost"
    /// The connection's `application_name`. Defaults to `rohrpost-relay listen`.
    public var applicationName: String = "rohrpost-relay listen"
    /// How many events one journal read takes. Defaults to 1,000.
    public var pageSize: Int = 1000
    /// Waits between reconnect attempts. Defaults to 100 ms doubling up to 10 s, jittered.
    public var backoff: ReconnectBackoff = ReconnectBackoff()

    /// Creates a configuration for the database at `connectionString`.
    public init(connectionString: String) {
        self.connectionString = connectionString
    }
}

/// Where the LISTEN connection stands, for logs, readiness and metrics.
public enum ListenerStatus: UInt8, Sendable, Hashable {
    /// Connecting, or waiting to reconnect.
    case connecting
    /// Listening and caught up with the journal.
    case listening
    /// Stopped for good.
    case stopped
}
