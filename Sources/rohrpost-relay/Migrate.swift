import ArgumentParser
import RohrpostRelay

/// `rohrpost-relay migrate`: install or upgrade the `rohrpost` schema.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the SQL migrations (schema rohrpost); safe to run any number of times.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let logger = try common.bootstrapLogging()
        let applied = try await Database(connectionString: common.resolvedDatabaseURL()).migrate(logger: logger)
        say(applied.isEmpty ? "Already up to date." : "Applied \(applied.joined(separator: ", ")).")
    }
}
