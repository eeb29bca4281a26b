import CLibPQ
import Foundation

extension ReplicationConnection {
    /// The open `PGconn`; `connect` sets it before the actor is handed out.
    func openConnection() throws -> OpaquePointer {
        guard let handle else { throw PostgresError(.connectionLost, "the replication connection is not open") }
        return handle.pointer
    }

    /// Runs one replication command and reads its result with `body`; a failure becomes a
    /// `PostgresError` saying what we were doing and what the server said.
    @discardableResult
    func run<Value>(
        _ command: String, doing action: String, expecting expected: ExecStatusType = PGRES_TUPLES_OK,
        _ body: (OpaquePointer) throws -> Value
    ) throws -> Value {
        let connection = try openConnection()
        guard let result = PQexec(connection, command) else { throw lost(while: action) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == expected else {
            guard PQstatus(connection) == CONNECTION_OK else { throw lost(while: action) }
            throw Self.failure(result, while: action)
        }
        return try body(result)
    }

    /// The server's error in `result` as a `PostgresError`, with a hint where one helps.
    static func failure(_ result: OpaquePointer, while action: String) -> PostgresError {
        let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
        var message = primary ?? oneLine(String(cString: PQresultErrorMessage(result)))
        if message.isEmpty { message = "the server answered \(String(cString: PQresStatus(PQresultStatus(result))))" }
        var hint = ""
        // 55000 (object not in prerequisite state) covers several settings; only its
        // text says that wal_level is the one.
        if sqlState == SQLState.objectNotInPrerequisiteState, message.contains("wal_level") {
            hint = "; set wal_level = logical (postgresql.conf or ALTER SYSTEM) and restart PostgreSQL"
        } else if sqlState == SQLState.objectInUse {
            hint = "; another connection is streaming from this slot"
        }
        return PostgresError(.queryFailed, "cannot \(action): \(message)\(hint)", sqlState: sqlState, serverMessage: primary)
    }

    func lost(while action: String) -> PostgresError {
        let detail = handle.map { Self.errorText($0.pointer) } ?? "not connected"
        return PostgresError(.connectionLost, "lost the replication connection to PostgreSQL while trying to \(action): \(detail)")
    }

    static func errorText(_ connection: OpaquePointer) -> String {
        oneLine(String(cString: PQerrorMessage(connection)))
    }

    /// libpq's several-line messages on one line, for logs.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "; ")
    }

    /// The text of one field of a result row, nil for NULL.
    static func text(_ result: OpaquePointer, _ row: Int32, _ column: Int32) -> String? {
        guard row < PQntuples(result), column < PQnfields(result), PQgetisnull(result, row, column) == 0 else { return nil }
        return String(cString: PQgetvalue(result, row, column))
    }
}
