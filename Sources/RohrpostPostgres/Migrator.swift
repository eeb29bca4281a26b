import Logging

/// Applies the SQL migrations to a database.
public struct Migrator {
    private let migrations: [Migration]
    private let logger: Logger

    /// Creates a migrator for `migrations` (by default, the ones built into the relay).
    public init(migrations: [Migration] = Migration.all, logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    /// Runs every migration in order. Each file skips itself when already applied.
    /// Returns the file names that were new to this database.
    @discardableResult
    public func apply(on connection: PostgresConnection) throws -> [String] {
        let before = try appliedVersions(on: connection)
        for migration in migrations {
            do {
                try connection.execute(migration.sql)
            } catch let error as PostgresError {
                throw PostgresError(
                    error.code, "migration \(migration.fileName) failed: \(error.message)",
                    sqlState: error.sqlState)
            }
        }
        let after = try appliedVersions(on: connection)
        let new = migrations.filter { migration in
            guard let version = migration.version else { return false }
            return after.contains(version) && !before.contains(version)
        }
        for migration in new {
            logger.info("applied migration", metadata: ["pg.migration": "\(migration.fileName)"])
        }
        return new.map(\.fileName)
    }

    private func appliedVersions(on connection: PostgresConnection) throws -> Set<Int> {
        let exists = try connection.query("SELECT to_regclass('rohrpost.schema_migrations') IS NOT NULL")
        guard exists.first?.first == "t" else { return [] }
        let rows = try connection.query("SELECT version FROM rohrpost.schema_migrations")
        return Set(rows.compactMap { $0.first.flatMap { $0 }.flatMap { Int($0) } })
    }
}

extension Migration {
    /// The number at the start of the file name (`0001_journal.sql` is 1).
    public var version: Int? {
        Int(fileName.prefix(while: \.isNumber))
    }
}
