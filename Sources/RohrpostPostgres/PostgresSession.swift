/// One ordinary libpq connection as an actor whose jobs run on a thread of its own
/// (`ConnectionThread`), for a long-lived session such as the sequencer's: its calls block
/// only that thread, never the cooperative pool or an event loop.
///
/// ```swift
/// let session = try await PostgresSession.connect(connectionString: url, applicationName: "relay")
/// let rows = try await session.query("SELECT pg_try_advisory_lock($1)", ["42"])
/// ```
public actor PostgresSession {
    private let thread = ConnectionThread(name: "rohrpost-session")
    /// Set by `connect` before anyone else sees this actor.
    private var connection: PostgresConnection?

    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    private init() {}

    deinit {
        thread.stop()
    }

    /// Connects, on a new thread of its own.
    public static func connect(connectionString: String, applicationName: String) async throws -> PostgresSession {
        let session = PostgresSession()
        try await session.open(connectionString, applicationName)
        return session
    }

    private func open(_ connectionString: String, _ applicationName: String) throws {
        connection = try PostgresConnection(connectionString: connectionString, applicationName: applicationName)
    }

    /// Runs SQL and returns the rows of its last statement as text (`nil` for NULL); see
    /// `PostgresConnection.query`.
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        try open().query(sql, parameters)
    }

    /// Runs statements whose results are not needed.
    public func execute(_ sql: String) throws {
        try open().execute(sql)
    }

    fileprivate func open() throws -> PostgresConnection {
        guard let connection else { throw PostgresError(.connectionLost, "the session is not connected") }
        return connection
    }
}

extension PostgresSession {
    /// Connects, runs `body` with the connection on the session's own thread, and closes:
    /// for one-off work such as a migration or a capture switch.
    public static func withConnection<Value: Sendable>(
        connectionString: String, applicationName: String, _ body: @Sendable (PostgresConnection) throws -> Value
    ) async throws -> Value {
        try await connect(connectionString: connectionString, applicationName: applicationName).withConnection(body)
    }

    /// Runs `body` with the session's connection, on the session's thread.
    public func withConnection<Value: Sendable>(_ body: @Sendable (PostgresConnection) throws -> Value) throws -> Value {
        try body(open())
    }
}
