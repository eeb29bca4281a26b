import ArgumentParser
import RohrpostAuth
import RohrpostPostgres

/// The `rohrpost-relay` command and its subcommands.
@main
struct RohrpostRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rohrpost-relay",
        abstract: "Pushes committed PostgreSQL row changes to rohrpost WebSocket clients.",
        subcommands: [Serve.self, Demo.self, Migrate.self, Watch.self, Unwatch.self, Capture.self]
    )

    /// Runs the subcommand; a failure ends the process with one line on standard error
    /// that says what happened and what to do, with no secret in it.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: Self.failure(error))
        }
    }

    /// The error to print for `error`: database errors explained, every text redacted;
    /// the argument parser's own errors (usage, `--help`) as they are.
    static func failure(_ error: any Error) -> any Error {
        let redactor = SecretRedactor.process.withLock { $0 }
        switch error {
        case let error as PostgresError:
            return StartupError(redactor.redact(DatabaseFailure.line(error)))
        case let error as AuthError:
            return StartupError(redactor.redact(error.message))
        case let error as StartupError:
            return StartupError(redactor.redact(error.description))
        default:
            let text = "\(error)"
            let redacted = redactor.redact(text)
            return redacted == text ? error : StartupError(redacted)
        }
    }
}
