import Foundation
import Logging
import RohrpostPostgres

/// One-off administrative work on the relay's database: migrations and watched tables.
/// Each call opens a short connection on a thread of its own.
public struct Database: Sendable {
    /// The libpq connection string or URL.
    public let connectionString: String

    /// Creates a handle for the database at `connectionString`.
    public init(connectionString: String) {
        self.connectionString = connectionString
    }

    /// Applies the SQL migrations and definitions; reports what was new to the database.
    @discardableResult
    public func migrate(logger: Logger) async throws -> Migrator.Report {
        try await withConnection { connection in
            try Migrator(logger: logger).apply(on: connection)
        }
    }

    /// Calls `rohrpost.watch` for `table` with group templates and carried columns (nil: defaults).
    public func watch(table: String, groups: [String]?, columns: [String]?) async throws {
        try await withConnection { connection in
            _ = try connection.query(
                "SELECT rohrpost.watch($1::regclass, $2::text[], $3::text[])",
                [table, groups.map(Self.textArray), columns.map(Self.textArray)])
        }
    }

    /// Calls `rohrpost.unwatch` for `table`.
    public func unwatch(table: String) async throws {
        try await withConnection { connection in
            _ = try connection.query("SELECT rohrpost.unwatch($1::regclass)", [table])
        }
    }

    /// Runs `body` with a new connection, on that connection's own thread.
    public func withConnection<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Value
    ) async throws -> Value {
        try await PostgresSession.withConnection(
            connectionString: connectionString, applicationName: "rohrpost-relay admin", body)
    }

    /// A PostgreSQL array literal of `values`, each quoted.
    static func textArray(_ values: [String]) -> String {
        let quoted = values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }
}
