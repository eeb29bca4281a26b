import ArgumentParser
import RohrpostRelay

/// `rohrpost-relay migrate`: install or upgrade the `rohrpost` schema.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the SQL migrations (schema rohrpost); safe to run any number of times.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let logger = try common.bootstrapLogging()
        let report = try await Database(connectionString: common.resolvedDatabaseURL()).migrate(logger: logger)
        if report.changedNothing {
            say("Already up to date.")
        } else {
            let applied = report.appliedMigrations.isEmpty ? [] : ["Applied \(report.appliedMigrations.joined(separator: ", "))."]
            let installed = report.installedDefinitions ? ["Installed the definitions of sql/definitions."] : []
            let rewatched = report.rewatchedTables.isEmpty
                ? [] : ["Regenerated the triggers of \(report.rewatchedTables.joined(separator: ", ")) (their triggers or inheritance changed)."]
            say((applied + installed + rewatched).joined(separator: " "))
        }
    }
}
