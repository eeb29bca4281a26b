import RohrpostPostgres
import Synchronization

/// A database of its own in a test cluster, so that tests do not see each other's tables.
///
/// `execute` and `query` block on libpq; they keep one connection, reopened when the server
/// dropped it, and are safe to call from several tasks (they take turns).
public final class TestDatabase: Sendable {
    /// The database name, unique within its cluster.
    public let name: String
    /// libpq keyword/value form: `host=127.0.0.1 port=N dbname=X user=postgres`.
    public let connectionString: String
    /// The `application_name` of this fixture's own connection, so tests can tell it apart.
    public static let applicationName = "relay-test-support"

    private let connection = Mutex<PostgresConnection?>(nil)

    init(name: String, connectionString: String) {
        self.name = name
        self.connectionString = connectionString
    }

    /// Runs SQL (one or several statements, or one with `$1`-style parameters), ignoring rows.
    public func execute(_ sql: String, parameters: [String?] = []) throws {
        _ = try self.query(sql, parameters: parameters)
    }

    /// Runs SQL on a thread of its own, for long statements and loops of them: blocking the
    /// few threads of Swift's cooperative pool would stall the relay under test.
    public func executeOffPool(_ sql: String, parameters: [String?] = []) async throws {
        try await onDedicatedThread { try self.execute(sql, parameters: parameters) }
    }

    /// Runs SQL and returns the rows of its last statement as text values, `nil` for NULL.
    public func query(_ sql: String, parameters: [String?] = []) throws -> [[String?]] {
        try self.connection.withLock { connection in
            if connection == nil || !connection!.isHealthy {
                connection = try connect()
            }
            do {
                return try connection!.query(sql, parameters)
            } catch let error as PostgresError where error.code == .connectionLost {
                // The server restarted or ended this backend before the statement ran: retry once.
                connection = try connect()
                return try connection!.query(sql, parameters)
            }
        }
    }

    /// Numbers what trigger capture's writers have committed, as a relay's sequencer would
    /// (for tests of the SQL that run no relay).
    public func sequence() throws {
        while try query("SELECT transactions FROM rohrpost.sequence_commits()").first?.first != "0" {}
    }

    private func connect() throws -> PostgresConnection {
        try PostgresConnection(connectionString: connectionString, applicationName: Self.applicationName)
    }
}
