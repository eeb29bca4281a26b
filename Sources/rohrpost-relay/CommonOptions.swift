import ArgumentParser
import Foundation
import Logging

/// Options every subcommand shares: where the database is and how to log.
struct CommonOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: "libpq connection string or URL; prefer the variable or --database-url-file, since flags show in ps. (default: libpq's PG* variables; env: DATABASE_URL)")
    var databaseURL: String?

    @Option(
        name: .customLong("database-url-file"),
        help: "File holding the database URL (a trailing newline is ignored). (default: none; env: DATABASE_URL_FILE or ROHRPOST_DATABASE_URL_FILE)")
    var databaseURLFile: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. (default: info; env: ROHRPOST_LOG_LEVEL)")
    var logLevel: String?

    @Option(help: "Log format: text (one readable line per entry) or json (one JSON object per line, metadata as fields). (default: text; env: ROHRPOST_LOG_FORMAT)")
    var logFormat: String?

    static let databaseURLName = OptionName("database-url", variables: ["DATABASE_URL"])
    static let databaseURLFileName = OptionName(
        "database-url-file", variables: ["DATABASE_URL_FILE", "ROHRPOST_DATABASE_URL_FILE"])

    /// The connection string given, if any: the flags, then `DATABASE_URL`, then the file
    /// `DATABASE_URL_FILE` names.
    /// Text that is neither a URL nor key=value settings is refused in one line.
    func explicitDatabaseURL(_ environment: OptionEnvironment = OptionEnvironment()) throws -> String? {
        guard let text = try environment.secret(databaseURL, Self.databaseURLName, file: databaseURLFile, Self.databaseURLFileName)
        else { return nil }
        if let problem = DatabaseFailure.problem(withConnectionString: text) {
            throw StartupError("DATABASE_URL (--database-url, DATABASE_URL_FILE): \(problem)")
        }
        return text
    }

    /// The connection string to use: the one given, else empty (libpq's `PG*` variables
    /// and defaults).
    func resolvedDatabaseURL(_ environment: OptionEnvironment = OptionEnvironment()) throws -> String {
        try explicitDatabaseURL(environment) ?? ""
    }

    /// The log level and format these options and the environment ask for.
    func logging(_ environment: OptionEnvironment = OptionEnvironment()) throws -> (level: Logger.Level, format: LogFormat) {
        let level: Logger.Level? = try environment.choice(logLevel, "log-level")
        let format: LogFormat? = try environment.choice(logFormat, "log-format")
        return (level ?? .info, format ?? .text)
    }

    /// Sets up swift-log once for the process and returns the relay's logger. Every
    /// handler redacts secrets; the database password is one from here on.
    func bootstrapLogging(_ environment: OptionEnvironment = OptionEnvironment()) throws -> Logger {
        let (level, format) = try logging(environment)
        SecretRedactor.process.withLock { redactor in
            redactor.add(connectionString: (try? explicitDatabaseURL(environment)) ?? "")
            redactor.add(environment.variables["PGPASSWORD"])
        }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                switch format {
                case .text: StreamLogHandler.standardError(label: label)
                case .json: JSONLogHandler(label: label)
                }
            handler.logLevel = level
            return RedactingLogHandler(wrapping: handler)
        }
        return Logger(label: "rohrpost-relay")
    }
}

/// How log entries are written to standard error.
enum LogFormat: String, CaseIterable, Sendable {
    /// swift-log's readable line per entry.
    case text
    /// One JSON object per line: timestamp, level, label, message and the metadata.
    case json
}

/// Writes a line to standard output at once (`print` buffers when stdout is a file or pipe).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
