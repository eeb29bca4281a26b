import ArgumentParser
import Foundation
import Logging

/// Options every subcommand shares: where the database is and how much to log.
struct CommonOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: "libpq connection string or URL. Defaults to $DATABASE_URL, else libpq's PG* variables.")
    var databaseURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Defaults to $ROHRPOST_LOG_LEVEL or info.")
    var logLevel: String?

    /// The connection string to use: the flag, then `DATABASE_URL`, then empty (libpq's
    /// `PG*` variables and defaults).
    var resolvedDatabaseURL: String {
        databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""
    }

    /// Sets up swift-log once for the process and returns the relay's logger.
    func bootstrapLogging() throws -> Logger {
        let text = logLevel ?? ProcessInfo.processInfo.environment["ROHRPOST_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("--log-level: '\(text)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "rohrpost-relay")
    }
}

/// Writes a line to standard output at once (`print` buffers when stdout is a file or pipe).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
