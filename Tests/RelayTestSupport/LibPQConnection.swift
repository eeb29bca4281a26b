import CLibPQ
import Foundation

/// One blocking libpq connection, owned by this object and closed in `deinit`.
///
/// Not thread-safe; `TestDatabase` guards its instance with a mutex.
final class LibPQConnection {
    private let connection: OpaquePointer

    /// Connects with a libpq keyword/value connection string.
    init(_ connectionString: String) throws {
        guard let connection = PQconnectdb(connectionString) else {
            throw TestSupportError(.postgresQueryFailed, "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection))
            PQfinish(connection)
            throw TestSupportError(
                .postgresQueryFailed,
                "cannot connect to PostgreSQL with '\(connectionString)': \(message)"
            )
        }
        // NOTICEs ("table does not exist, skipping") would otherwise clutter the test output.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.connection = connection
    }

    deinit {
        PQfinish(self.connection)
    }

    /// Whether the server went away (restart, `pg_terminate_backend`).
    var isBroken: Bool {
        PQstatus(self.connection) != CONNECTION_OK
    }

    /// Runs SQL and returns the rows of its last statement as text, `nil` for SQL NULL.
    ///
    /// Without parameters the SQL may hold several statements; with them it must be one.
    func query(_ sql: String, parameters: [String?]) throws -> [[String?]] {
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = PQexec(self.connection, sql)
        } else {
            let values = parameters.map { $0.flatMap { strdup($0) } }
            defer { values.forEach { free($0) } }
            let pointers = values.map { $0.map { UnsafePointer($0) } }
            result = PQexecParams(self.connection, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        guard let result else {
            throw self.failure(String(cString: PQerrorMessage(self.connection)), sql: sql)
        }
        defer { PQclear(result) }

        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return []
        case PGRES_TUPLES_OK:
            return (0..<PQntuples(result)).map { row in
                (0..<PQnfields(result)).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                }
            }
        default:
            throw self.failure(String(cString: PQresultErrorMessage(result)), sql: sql)
        }
    }

    private func failure(_ message: String, sql: String) -> TestSupportError {
        let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
        return TestSupportError(.postgresQueryFailed, "PostgreSQL rejected \"\(sql.prefix(200))\": \(trimmed)")
    }
}
