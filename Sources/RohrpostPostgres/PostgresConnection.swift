import CLibPQ
import Foundation

/// One libpq connection, owned by the thread that made it.
///
/// Every call blocks that thread, so a connection lives on a thread of its own, never on an
/// event loop or the cooperative pool. The rule (the one way the relay runs libpq): every
/// connection is owned by an actor whose executor is that connection's `ConnectionThread`,
/// and is used only in its jobs. `PostgresSession` is that actor for a long-lived session
/// (the sequencer's) and for one-off work (`PostgresSession.withConnection`: migrate, the
/// capture switch); `QueryPool` is N of them; `Listener` and `ReplicationConnection` are
/// the same with a loop of their own. Async callers await them; an event loop asks through
/// `EventLoop.answer` (RohrpostServer). The `PGconn` is freed in `deinit`, and every
/// `PGresult` right where it is taken.
public final class PostgresConnection {
    private let connection: OpaquePointer

    /// Connects to PostgreSQL.
    ///
    /// - Parameters:
    ///   - connectionString: a libpq connection string or URL (`host=db dbname=app`,
    ///     `postgres://...`); empty means libpq's defaults and the `PG*` environment variables.
    ///   - applicationName: what `pg_stat_activity.application_name` shows for this connection.
    public init(connectionString: String, applicationName: String, connectTimeoutSeconds: Int = 10) throws {
        let made = ConnectionParameters.connect(
            ConnectionParameters.list(
                connectionString, applicationName: applicationName, connectTimeoutSeconds: connectTimeoutSeconds))
        guard let made else {
            throw PostgresError(.connectionFailed, "cannot connect to PostgreSQL: libpq is out of memory")
        }
        guard PQstatus(made) == CONNECTION_OK else {
            let detail = Self.errorText(made)
            PQfinish(made)
            throw PostgresError(
                .connectionFailed,
                "cannot connect to PostgreSQL: \(detail); set DATABASE_URL or the PG* environment variables"
            )
        }
        // Server NOTICEs ("... does not exist, skipping") would go to stderr unasked.
        PQsetNoticeProcessor(made, { _, _ in }, nil)
        connection = made
    }

    deinit {
        PQfinish(connection)
    }

    /// Whether the connection is still usable.
    public var isHealthy: Bool { PQstatus(connection) == CONNECTION_OK }

    /// Whether the server still holds this idle connection, checked without blocking.
    ///
    /// A server that closed it (a terminated backend, a restart) has sent its last words
    /// and the end of the stream: the socket is readable although nothing was asked. Reading
    /// what is there until nothing more is (libpq reads the last words first and the end on
    /// a later read) finds the end, and the connection is known dead before anything is sent.
    public func isStillConnected() -> Bool {
        guard isHealthy else { return false }
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        for _ in 0..<8 {
            descriptor.revents = 0
            let ready = poll(&descriptor, 1, 0)
            guard ready > 0 else { return ready == 0 && isHealthy }
            guard PQconsumeInput(connection) == 1 else { return false }
            // Parses what arrived, so libpq notices an error that ends the session.
            _ = PQisBusy(connection)
            guard isHealthy else { return false }
        }
        // Still more unasked data: no idle connection should get that much.
        return false
    }

    /// The socket, for waiting on with `poll`.
    public var socket: Int32 { PQsocket(connection) }

    /// Runs one or more statements whose results are not needed.
    public func execute(_ sql: String) throws {
        guard let result = PQexec(connection, sql) else { throw lost() }
        defer { PQclear(result) }
        try check(result)
    }

    /// Runs SQL and returns the rows of its last statement as text (`nil` for NULL).
    /// With parameters (`$1`, `$2`, ...) the SQL must be one statement; without, it may be several.
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        let result: OpaquePointer? =
            parameters.isEmpty
            ? PQexec(connection, sql)
            : withOptionalCStrings(parameters) { values in
                PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            }
        guard let result else { throw lost() }
        defer { PQclear(result) }
        try check(result)
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, row, column)))
                }
            }
            rows.append(values)
        }
        return rows
    }

    /// Reads whatever the server has sent without blocking; call when the socket is readable.
    public func consumeInput() throws {
        guard PQconsumeInput(connection) == 1 else { throw lost() }
    }

    /// Takes the notifications received so far.
    public func takeNotifications() -> [Notification] {
        var taken: [Notification] = []
        while let notify = PQnotifies(connection) {
            defer { PQfreemem(notify) }
            taken.append(
                Notification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    backendPID: notify.pointee.be_pid
                )
            )
        }
        return taken
    }

    /// The PID of the server process serving this connection.
    public var backendPID: Int32 { PQbackendPID(connection) }

    private func check(_ result: OpaquePointer) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        default:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            let message = String(cString: PQresultErrorMessage(result))
                .trimmingSuffix(while: \.isWhitespace)
            if !isHealthy { throw lost() }
            throw PostgresError(.queryFailed, message, sqlState: sqlState, serverMessage: primary)
        }
    }

    private func lost() -> PostgresError {
        PostgresError(.connectionLost, "lost the connection to PostgreSQL: \(Self.errorText(connection))")
    }

    private static func errorText(_ connection: OpaquePointer) -> String {
        String(cString: PQerrorMessage(connection)).trimmingSuffix(while: \.isWhitespace)
            .replacingNewlines()
    }
}

/// A NOTIFY received on a LISTEN connection.
public struct Notification: Sendable, Hashable {
    /// The channel it was sent on.
    public let channel: String
    /// Its payload text.
    public let payload: String
    /// The server process that sent it.
    public let backendPID: Int32
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = Substring(self)
        while let last = text.last, predicate(last) { text = text.dropLast() }
        return String(text)
    }

    fileprivate func replacingNewlines() -> String {
        split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "; ")
    }
}
