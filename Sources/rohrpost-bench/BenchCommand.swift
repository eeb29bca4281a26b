import ArgumentParser

/// `rohrpost-bench`: the relay's load generator.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rohrpost-bench",
        abstract: "Load generator for rohrpost-relay: WebSocket clients, paced writes, loss and latency.",
        subcommands: [RunCommand.self, BlasterCommand.self, ClientShardCommand.self],
        defaultSubcommand: RunCommand.self)
}
