import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import Testing

/// The SQL migrations, applied by `Migrator` to real databases.
@Suite struct MigrationTests {
    @Test func everySQLFileIsBuiltInInNameOrder() throws {
        let folder = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../sql")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(Migration.all.map(\.fileName) == files)
        for migration in Migration.all {
            let text = try String(contentsOf: folder.appending(path: migration.fileName), encoding: .utf8)
            #expect(migration.sql.trimmingCharacters(in: .newlines) == text.trimmingCharacters(in: .newlines))
        }
    }

    @Test func aMigrationsVersionIsTheNumberItsFileNameStartsWith() {
        #expect(Migration(fileName: "0002_watch.sql", sql: "").version == 2)
        #expect(Migration(fileName: "notes.sql", sql: "").version == nil)
    }

    @Test func migratingANewDatabaseAppliesEveryFileAndRecordsItsVersion() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        #expect(try migrate(database) == Migration.all.map(\.fileName))
        let versions = try database.query("SELECT version FROM rohrpost.schema_migrations ORDER BY version")
        #expect(versions == Migration.all.map { [$0.version.map(String.init)] })
    }

    @Test func migratingAgainAppliesNothingAndChangesNothing() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try migrate(database)
        let before = try schemaSnapshot(of: database)
        #expect(try migrate(database) == [])
        #expect(try schemaSnapshot(of: database) == before)
    }

    @Test func anOlderRelayLeavesAFunctionThatANewerMigrationReplacedAlone() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try migrate(database)
        try database.execute("""
            CREATE OR REPLACE FUNCTION rohrpost.last_position() RETURNS bigint LANGUAGE sql STABLE
            AS $$ SELECT 42::bigint /* replaced by a newer migration */ $$
            """)

        #expect(try migrate(database, [Migration.all[0]]) == [])
        let definition = try database.query("SELECT pg_get_functiondef('rohrpost.last_position()'::regprocedure)")
        #expect(definition.first?.first??.contains("replaced by a newer migration") == true)
        #expect(try database.query("SELECT rohrpost.last_position()") == [["42"]])
    }

    @Test func aFailingMigrationIsNamedInTheError() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        let broken = Migration(fileName: "0099_broken.sql", sql: "SELECT * FROM no_such_table")
        let error = #expect(throws: PostgresError.self) { try migrate(database, [broken]) }
        #expect(error?.message.hasPrefix("migration 0099_broken.sql failed: ") == true)
        #expect(error?.sqlState == "42P01")
    }

    @Test func theWatchMigrationAloneAsksForTheJournalMigrationFirst() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        let error = #expect(throws: PostgresError.self) { try migrate(database, [Migration.all[1]]) }
        #expect(error?.message.contains("needs migration 1 (0001_journal.sql) first") == true)
    }

    /// Applies `migrations` to `database` as the relay does; returns the files that were new.
    @discardableResult
    private func migrate(_ database: TestDatabase, _ migrations: [Migration] = Migration.all) throws -> [String] {
        let connection = try PostgresConnection(connectionString: database.connectionString, applicationName: "test")
        return try Migrator(migrations: migrations, logger: Logger(label: "test")).apply(on: connection)
    }

    /// The recorded versions and every rohrpost relation and function with the row version
    /// (`xmin`) of its catalog entry, which any CREATE OR REPLACE, ALTER or re-creation changes.
    private func schemaSnapshot(of database: TestDatabase) throws -> [[String?]] {
        try database.query("""
            SELECT 'version', version::text, applied_at::text FROM rohrpost.schema_migrations
            UNION ALL
            SELECT 'relation', relname, oid::text || '/' || xmin::text FROM pg_class
            WHERE relnamespace = 'rohrpost'::regnamespace
            UNION ALL
            SELECT 'function', proname, oid::text || '/' || xmin::text || '/' || md5(pg_get_functiondef(oid)) FROM pg_proc
            WHERE pronamespace = 'rohrpost'::regnamespace
            ORDER BY 1, 2, 3
            """)
    }
}
