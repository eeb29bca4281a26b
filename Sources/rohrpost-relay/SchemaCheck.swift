import Logging
import RohrpostPostgres
import RohrpostRelay

/// Before `serve` and `capture` touch the database: is the `rohrpost` schema there? A
/// database never migrated is refused in one line that says to migrate; one that lacks
/// newer migrations gets a warning naming them.
enum SchemaCheck {
    /// Throws "run `rohrpost-relay migrate` first" when the database has no rohrpost schema;
    /// logs a warning when migrations this relay knows are not applied.
    static func requireMigrated(databaseURL: String, logger: Logger) async throws {
        let applied = try await Database(connectionString: databaseURL).withConnection { connection -> Set<Int>? in
            guard try connection.query("SELECT to_regclass('rohrpost.schema_migrations') IS NOT NULL").first?.first == "t"
            else { return nil }
            return Set(try connection.query("SELECT version FROM rohrpost.schema_migrations").compactMap { $0[0].flatMap { Int($0) } })
        }
        guard let applied, !applied.isEmpty else {
            throw StartupError("the rohrpost schema is not in this database; run `rohrpost-relay migrate` first (or serve with --migrate)")
        }
        let missing = Migration.all.filter { migration in migration.version.map { !applied.contains($0) } ?? false }
        if !missing.isEmpty {
            logger.warning(
                "the database lacks migrations this relay knows; run `rohrpost-relay migrate`",
                metadata: ["pg.missingMigrations": "\(missing.map(\.fileName).joined(separator: ","))"])
        }
    }
}
