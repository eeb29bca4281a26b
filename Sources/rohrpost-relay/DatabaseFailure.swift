import Foundation
import RohrpostPostgres

/// The one line a command prints when its database work fails: what happened, in words,
/// and what to check or run, instead of libpq's and PostgreSQL's text with its CONTEXT.
enum DatabaseFailure {
    /// Why `text` cannot be a connection string, or nil when libpq may read it: it must be
    /// a `postgres://` / `postgresql://` URL or `key=value` settings (libpq would take
    /// anything else as a database name and try the local socket).
    static func problem(withConnectionString text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") { return nil }
        if let scheme = trimmed.range(of: "://"), !trimmed[..<scheme.lowerBound].contains("=") {
            return "'\(SecretRedactor.withoutPassword(trimmed))' is not a PostgreSQL URL (it must begin with postgres:// or postgresql://)"
        }
        if trimmed.contains("=") { return nil }
        return "'\(SecretRedactor.withoutPassword(trimmed))' is neither a URL nor key=value settings; write e.g. postgres://user:password@db:5432/app or host=db dbname=app user=app"
    }

    /// The line for an error of connecting to or asking the database, for any command.
    static func line(_ error: PostgresError) -> String {
        guard error.code == .connectionFailed else {
            if let missing = missingSchema(error) { return missing }
            return error.serverMessage ?? firstLine(error.message)
        }
        let detail = connectionDetail(error.message)
        let lower = detail.lowercased()
        let hint: String
        if lower.contains("connection refused") {
            hint = "is PostgreSQL running there? Check the host and port in DATABASE_URL"
        } else if lower.contains("could not translate host name") || lower.contains("name or service not known") {
            hint = "check the host name in DATABASE_URL"
        } else if lower.contains("password authentication failed") || lower.contains("no password supplied") {
            hint = "check the user name and password in DATABASE_URL"
        } else if let name = quoted(after: "database ", in: detail), lower.contains("does not exist") {
            hint = "create it (createdb \(name)) or fix the database name in DATABASE_URL"
        } else if lower.contains("role "), lower.contains("does not exist") {
            hint = "check the user name in DATABASE_URL"
        } else if lower.contains("no such file or directory"), lower.contains("socket") {
            hint = "no PostgreSQL on the local socket; set DATABASE_URL (e.g. postgres://user:password@db:5432/app) or PGHOST"
        } else if lower.contains("timeout expired") {
            hint = "no answer from the server; check the host, the port and the network"
        } else if lower.contains("invalid") || lower.contains("uri") || lower.contains("missing \"=\"") {
            hint = "DATABASE_URL is not a connection string libpq can read; write e.g. postgres://user:password@db:5432/app"
        } else {
            hint = "check DATABASE_URL (or the PG* environment variables)"
        }
        return "cannot connect to PostgreSQL: \(detail); \(hint)"
    }

    /// The line for a failed `rohrpost.watch` or `rohrpost.unwatch` of `table`.
    static func line(_ error: PostgresError, command: String, table: String) -> String {
        guard error.code == .queryFailed else { return "\(command) \(table): \(line(error))" }
        switch error.sqlState {
        case SQLState.undefinedTable:  // from the ::regclass cast
            return "\(command) \(table): there is no table \(table) in this database; check the name (schema-qualified, e.g. public.todo) and DATABASE_URL"
        case SQLState.invalidSchemaName where error.serverMessage?.contains("\"rohrpost\"") == true, SQLState.undefinedFunction:
            return "\(command) \(table): the rohrpost schema is missing or old in this database; run `rohrpost-relay migrate` first"
        case SQLState.insufficientPrivilege:
            return "\(command) \(table): \(error.serverMessage ?? "permission denied"); connect as the table's owner (DATABASE_URL)"
        default:
            return "\(command) \(table): \(line(error))"
        }
    }

    /// "the rohrpost schema is missing ...: run `rohrpost-relay migrate` first" for an
    /// error that says an object of schema `rohrpost` does not exist.
    private static func missingSchema(_ error: PostgresError) -> String? {
        let message = error.serverMessage ?? error.message
        // Errors that reach here without a SQLSTATE (libpq's own) have only their words.
        let missing = error.sqlState.map(SQLState.missingObject.contains) ?? message.contains("does not exist")
        guard missing, message.contains("rohrpost") else { return nil }
        return "\(message): the rohrpost schema is missing or old in this database; run `rohrpost-relay migrate` first"
    }

    /// libpq's reason, without the relay's prefix and advice and without the repeated
    /// "connection to server ... failed: FATAL:" framing of server-side refusals.
    private static func connectionDetail(_ message: String) -> String {
        var text = message
        if text.hasPrefix("cannot connect to PostgreSQL: ") { text.removeFirst("cannot connect to PostgreSQL: ".count) }
        if let advice = text.range(of: "; set DATABASE_URL or the PG* environment variables", options: .backwards) {
            text.removeSubrange(advice)
        }
        // libpq's own second line ("Is the server running ...?") says what the hint says.
        if let question = text.range(of: "; Is the server running") { text = String(text[..<question.lowerBound]) }
        if let fatal = text.range(of: "FATAL:") {
            text = String(text[fatal.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        return text
    }

    /// The first `"..."` after `prefix` in `text`.
    private static func quoted(after prefix: String, in text: String) -> String? {
        guard let start = text.range(of: prefix + "\"") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    private static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1).first ?? "").replacingOccurrences(of: "ERROR:  ", with: "")
    }
}
