import Foundation
import Logging

/// Brings a database's `rohrpost` schema to this release: the migrations of
/// `sql/migrations/` in order, each in a transaction of its own, then the definitions of
/// `sql/definitions/` in one more.
///
/// The definitions go through `rohrpost.install_definitions`, which applies them only when
/// they differ from the installed ones and no newer release installed its own: running
/// an older relay's migrate against a newer database changes nothing.
///
/// Why not all in one transaction: a migration that alters the journal holds its lock to
/// the end, and the definitions then lock each watched table to regenerate its trigger. A
/// writer that took its table's lock before its journal row (every trigger does) or the
/// journal's before its table's (`rohrpost.send`, then an INSERT) would wait for it in a
/// circle. Each step commits before the next, as the files of releases 1 to 11 did. In the
/// moment between them, a function that a migration dropped is missing until the
/// definitions bring its successor: an older relay's call then fails once and is retried.
public struct Migrator {
    /// What a migrate changed.
    public struct Report: Sendable, Equatable {
        /// The migrations that were new to the database, by file name.
        public var appliedMigrations: [String]
        /// Whether the definitions were (re)installed: they differed from the installed ones.
        public var installedDefinitions: Bool
        /// Watched tables whose triggers were regenerated because the table's other triggers
        /// or inheritance changed since `rohrpost.watch()` (sql/definitions/rewatch_tables.sql).
        public var rewatchedTables: [String] = []

        /// Whether the database was already at this release, its watched tables' triggers too.
        public var changedNothing: Bool { appliedMigrations.isEmpty && !installedDefinitions && rewatchedTables.isEmpty }
    }

    private let migrations: [Migration]
    private let definitions: [SQLDefinition]
    private let logger: Logger

    /// Creates a migrator for `migrations` and `definitions` (by default, the ones built
    /// into the relay).
    public init(
        migrations: [Migration] = Migration.all, definitions: [SQLDefinition] = SQLDefinition.all, logger: Logger
    ) {
        self.migrations = migrations
        self.definitions = definitions
        self.logger = logger
    }

    /// The release these migrations make: the highest migration version.
    public var release: Int { migrations.compactMap(\.version).max() ?? 0 }

    /// Runs every migration in order (each skips itself when already applied), installs
    /// the definitions, then regenerates the triggers of watched tables that need it.
    @discardableResult
    public func apply(on connection: PostgresConnection) throws -> Report {
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
        let installed = try installDefinitions(on: connection)
        if installed {
            logger.info("installed definitions", metadata: ["pg.release": "\(release)"])
        }
        let rewatched = try rewatchChangedTables(on: connection)
        for table in rewatched {
            logger.notice("regenerated the triggers of a watched table whose triggers or inheritance changed",
                          metadata: ["pg.table": "\(table)"])
        }
        return Report(appliedMigrations: new.map(\.fileName), installedDefinitions: installed, rewatchedTables: rewatched)
    }

    /// Calls `rohrpost.rewatch_tables(changed_only => true)` where the installed definitions have it; the tables it regenerated.
    private func rewatchChangedTables(on connection: PostgresConnection) throws -> [String] {
        let exists = try connection.query("SELECT to_regprocedure('rohrpost.rewatch_tables(boolean)') IS NOT NULL")
        guard exists.first?.first == "t" else { return [] }
        return try connection.query("SELECT t::text FROM rohrpost.rewatch_tables(changed_only => true) t").compactMap { $0.first ?? nil }
    }

    /// Hands the definitions to `rohrpost.install_definitions`; whether it applied them.
    private func installDefinitions(on connection: PostgresConnection) throws -> Bool {
        guard !definitions.isEmpty else { return false }
        let json = String(decoding: try JSONEncoder().encode(definitions), as: UTF8.self)
        let rows = try connection.query(
            "SELECT rohrpost.install_definitions($1::integer, $2::jsonb)", [String(release), json])
        return rows.first?.first == "t"
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
