import ArgumentParser
import RohrpostPostgres
import RohrpostRelay

/// `rohrpost-relay watch TABLE`: install the change triggers on a table.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a table's row changes to rohrpost groups (calls rohrpost.watch).")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The table, optionally schema-qualified, e.g. public.todo.")
    var table: String

    @Option(name: .customLong("group"), help: "A group template such as 'collection-{collection_id}'; repeat for several. Defaults to <table>-{<primary key>}.")
    var groups: [String] = []

    @Option(name: .customLong("column"), help: "A column the events carry; repeat for several. Defaults to all columns.")
    var columns: [String] = []

    func run() async throws {
        _ = try common.bootstrapLogging()
        let database = Database(connectionString: try common.resolvedDatabaseURL())
        do {
            try await database.watch(table: table, groups: groups.isEmpty ? nil : groups, columns: columns.isEmpty ? nil : columns)
        } catch let error as PostgresError {
            throw StartupError(DatabaseFailure.line(error, command: "watch", table: table))
        }
        say("Watching \(table).")
    }
}

/// `rohrpost-relay unwatch TABLE`: remove the change triggers from a table.
struct Unwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop sending a table's row changes (calls rohrpost.unwatch).")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The table, optionally schema-qualified.")
    var table: String

    func run() async throws {
        _ = try common.bootstrapLogging()
        let database = Database(connectionString: try common.resolvedDatabaseURL())
        do {
            try await database.unwatch(table: table)
        } catch let error as PostgresError {
            throw StartupError(DatabaseFailure.line(error, command: "unwatch", table: table))
        }
        say("No longer watching \(table).")
    }
}
