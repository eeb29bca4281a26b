import ArgumentParser

/// The `rohrpost-relay` command and its subcommands.
@main
struct RohrpostRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rohrpost-relay",
        abstract: "Pushes committed PostgreSQL row changes to rohrpost WebSocket clients.",
        subcommands: [Serve.self, Demo.self, Migrate.self, Watch.self, Unwatch.self, Capture.self]
    )
}
