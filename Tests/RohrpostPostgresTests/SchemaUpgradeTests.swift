import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import Testing

/// A database made by any earlier release upgrades with one migrate to exactly the schema a
/// new database gets: tables, columns, indexes, functions, triggers, comments, the
/// publication, and the trigger generated for a watched table, as `pg_dump` shows them.
@Suite struct SchemaUpgradeTests {
    @Test(arguments: 0...ReleasedSQL.latestRelease)
    func upgradingADatabaseOfAnEarlierReleaseGivesTheSchemaOfANewDatabase(release: Int) async throws {
        let cluster = try await PostgresCluster.shared()
        let upgraded = try await cluster.makeDatabase()
        #expect(try ReleasedSQL.migrations(through: release).count == release)
        try ReleasedSQL.install(release: release, on: upgraded)
        if release >= 2 { try watchTables(upgraded) }
        try migrate(upgraded)

        let fresh = try await cluster.makeDatabase()
        try migrate(fresh)
        if release >= 2 { try watchTables(fresh) }

        let (upgradedSchema, freshSchema) = (try schema(of: upgraded), try schema(of: fresh))
        #expect(upgradedSchema.contains { $0.hasPrefix("CREATE FUNCTION rohrpost.watch(") })
        #expect(release < 2 || upgradedSchema.contains { $0.hasPrefix("CREATE TRIGGER _rohrpost_capture") })
        if upgradedSchema != freshSchema {
            Issue.record("release \(release) upgraded differs from a new database:\n\(difference(upgradedSchema, freshSchema))")
        }
        let records = "SELECT version, name FROM rohrpost.schema_migrations ORDER BY 1"
        #expect(try upgraded.query(records) == fresh.query(records))
        let definitions = "SELECT release, checksum FROM rohrpost.installed_definitions"
        #expect(try upgraded.query(definitions) == fresh.query(definitions))
    }

    /// Two watched tables: one with the default settings, one with templates and columns
    /// (which generates a row type), as every release since 2 can watch them.
    private func watchTables(_ database: TestDatabase) throws {
        try database.execute("""
            CREATE TABLE item (id int PRIMARY KEY, title text);
            CREATE TABLE todo (id int PRIMARY KEY, collection_id int, title text, done boolean);
            SELECT rohrpost.watch('item');
            SELECT rohrpost.watch('todo', ARRAY['todo-{id}', 'collection-{collection_id}'], ARRAY['id', 'title']);
            """)
    }

    private func migrate(_ database: TestDatabase) throws {
        let connection = try PostgresConnection(connectionString: database.connectionString, applicationName: "test")
        try Migrator(logger: Logger(label: "test")).apply(on: connection)
    }

    /// `pg_dump --schema-only` of the database, with what differs between any two databases
    /// taken out: the dump's random restrict key, and table OIDs in generated names.
    private func schema(of database: TestDatabase) throws -> [String] {
        let dump = try ServerProcess.run([
            LocalPostgresServer.findBinDirectory() + "/pg_dump", "--schema-only", "--no-owner",
            "--dbname", database.connectionString,
        ])
        var names: [String: String] = [:]
        for row in try database.query("SELECT oid::text, relname FROM pg_class WHERE relname IN ('item', 'todo')") {
            names[row[0] ?? ""] = row[1] ?? ""
        }
        return dump.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
            if line.hasPrefix("\\restrict") || line.hasPrefix("\\unrestrict") { return nil }
            var text = String(line)
            for (oid, name) in names {
                text = text.replacingOccurrences(of: "capture_\(oid)", with: "capture_<\(name)>")
                    .replacingOccurrences(of: "object_\(oid)", with: "object_<\(name)>")
            }
            return text
        }
    }

    /// The lines only one side has, marked `-` (upgraded) and `+` (new), at most 40.
    private func difference(_ upgraded: [String], _ fresh: [String]) -> String {
        let changes = fresh.difference(from: upgraded)
        return changes.prefix(40).map { change in
            switch change {
            case .remove(let offset, let line, _): "- \(offset): \(line)"
            case .insert(let offset, let line, _): "+ \(offset): \(line)"
            }
        }.joined(separator: "\n")
    }
}
