import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import Testing

/// The SQL migrations and definitions, applied by `Migrator` to real databases.
@Suite struct MigrationTests {
    @Test(arguments: ["migrations", "definitions"])
    func everySQLFileIsBuiltInInNameOrder(folder: String) throws {
        let url = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../sql/\(folder)")
        let files = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".sql") }.sorted()
        let embedded = folder == "migrations"
            ? Migration.all.map { ($0.fileName, $0.sql) } : SQLDefinition.all.map { ($0.fileName, $0.sql) }
        #expect(embedded.map(\.0) == files)
        for (name, sql) in embedded {
            let text = try String(contentsOf: url.appending(path: name), encoding: .utf8)
            #expect(sql.trimmingCharacters(in: .newlines) == text.trimmingCharacters(in: .newlines))
        }
    }

    @Test func aMigrationsVersionIsTheNumberItsFileNameStartsWith() {
        #expect(Migration(fileName: "0002_watch.sql", sql: "").version == 2)
        #expect(Migration(fileName: "notes.sql", sql: "").version == nil)
        #expect(Migrator(logger: Logger(label: "test")).release == Migration.all.last?.version)
    }

    @Test func migratingANewDatabaseAppliesEveryFileRecordsItsVersionAndInstallsTheDefinitions() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        let report = try migrate(database)
        #expect(report.appliedMigrations == Migration.all.map(\.fileName))
        #expect(report.installedDefinitions)
        let versions = try database.query("SELECT version FROM rohrpost.schema_migrations ORDER BY version")
        #expect(versions == Migration.all.map { [$0.version.map(String.init)] })
        let installed = try database.query("SELECT release FROM rohrpost.installed_definitions")
        #expect(installed == [[Migration.all.last?.version.map(String.init)]])
        // Every function a definition file names exists.
        for definition in SQLDefinition.all {
            let name = definition.fileName.replacingOccurrences(of: ".sql", with: "")
            let count = try database.query(
                "SELECT count(*) FROM pg_proc WHERE pronamespace = 'rohrpost'::regnamespace AND proname = $1", parameters: [name])
            #expect(count != [["0"]], "\(definition.fileName) defines rohrpost.\(name)")
        }
    }

    @Test func migratingAgainChangesNothing() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try migrate(database)
        try database.execute("CREATE TABLE item (id int PRIMARY KEY); SELECT rohrpost.watch('item')")
        let before = try schemaSnapshot(of: database)
        #expect(try migrate(database).changedNothing)
        #expect(try schemaSnapshot(of: database) == before)
    }

    /// A table captured per statement that gains a trigger of its own gets row triggers at
    /// the next migrate (what that trigger writes keeps its place), and per statement again
    /// once the trigger is gone.
    @Test func migrateRegeneratesTheTriggersOfATableWhoseOwnTriggersChanged() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try migrate(database)
        try database.execute("""
            CREATE TABLE item (id int PRIMARY KEY); CREATE TABLE other (id int PRIMARY KEY);
            SELECT rohrpost.watch('item'); SELECT rohrpost.watch('other');
            CREATE FUNCTION public.noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
            """)
        func capturesPerStatement() throws -> Bool {
            try database.query("SELECT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'item'::regclass AND tgname = '_rohrpost_capture_insert')")
                == [["t"]]
        }
        #expect(try capturesPerStatement())
        try database.execute("CREATE TRIGGER audit AFTER INSERT ON item FOR EACH ROW EXECUTE FUNCTION public.noop()")
        #expect(try migrate(database).rewatchedTables == ["item"])
        #expect(try !capturesPerStatement())
        #expect(try migrate(database).changedNothing)
        try database.execute("DROP TRIGGER audit ON item")
        #expect(try migrate(database).rewatchedTables == ["item"])
        #expect(try capturesPerStatement())
    }

    @Test func changedDefinitionsAreInstalledAgainAndEveryWatchedTablesTriggerIsRegenerated() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try migrate(database)
        try database.execute("CREATE TABLE item (id int PRIMARY KEY); SELECT rohrpost.watch('item')")
        let changed = SQLDefinition.all.map { definition in
            definition.fileName != "watch.sql" ? definition : SQLDefinition(
                fileName: definition.fileName,
                sql: definition.sql.replacingOccurrences(of: "-- Generated by rohrpost.watch()", with: "-- Generated (changed) by rohrpost.watch()"))
        }
        #expect(changed != SQLDefinition.all)

        let report = try migrate(database, definitions: changed)
        #expect(report.appliedMigrations == [] && report.installedDefinitions)
        let trigger = try database.query("""
            SELECT prosrc FROM pg_proc p JOIN rohrpost.watched_tables w ON p.proname = w.trigger_function
            WHERE w.table_name = 'item'::regclass
            """)
        #expect(trigger.first?.first??.contains("-- Generated (changed) by") == true)
        // And writes still become events.
        try database.execute("INSERT INTO item VALUES (1)")
        #expect(try database.query("SELECT count(*) FROM rohrpost.journal") == [["1"]])
    }

    @Test func anOlderReleasesMigrateLeavesTheDefinitionsOfANewerOneAlone() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try migrate(database)
        // A newer release installs its definitions: here, one that changes last_position.
        let newer = [SQLDefinition(fileName: "last_position.sql", sql: """
            CREATE OR REPLACE FUNCTION rohrpost.last_position() RETURNS bigint LANGUAGE sql STABLE
            AS $$ SELECT 42::bigint /* a newer release */ $$
            """)]
        let json = String(decoding: try JSONEncoder().encode(newer), as: UTF8.self)
        let release = Migrator(logger: Logger(label: "test")).release + 1
        #expect(try database.query("SELECT rohrpost.install_definitions($1, $2)", parameters: ["\(release)", json]) == [["t"]])

        // This release's migrate, and the files of every earlier release, change nothing.
        #expect(try migrate(database).changedNothing)
        let connection = try PostgresConnection(connectionString: database.connectionString, applicationName: "test")
        for migration in try ReleasedSQL.migrations(through: ReleasedSQL.latestRelease) {
            try connection.execute(migration.sql)
        }
        #expect(try database.query("SELECT rohrpost.last_position()") == [["42"]])
    }

    @Test func aFailingMigrationIsNamedInTheError() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        let broken = Migration(fileName: "0099_broken.sql", sql: "SELECT * FROM no_such_table")
        let error = #expect(throws: PostgresError.self) { try migrate(database, Migration.all + [broken]) }
        #expect(error?.message.hasPrefix("migration 0099_broken.sql failed: ") == true)
        #expect(error?.sqlState == "42P01")
    }

    @Test func aFailingDefinitionIsNamedInTheErrorAndNoneIsInstalledUntilAllCanBe() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        let broken = SQLDefinition(fileName: "zz_broken.sql", sql: "CREATE OR REPLACE FUNCTION rohrpost.broken( RETURNS")
        let error = #expect(throws: PostgresError.self) {
            try migrate(database, definitions: SQLDefinition.all + [broken])
        }
        #expect(error?.message.contains("definition zz_broken.sql failed: syntax error") == true, "\(String(describing: error))")
        #expect(error?.sqlState == "42601")
        #expect(try database.query("SELECT to_regprocedure('rohrpost.read_events(bigint, integer)')") == [[nil]])
        #expect(try database.query("SELECT count(*) FROM rohrpost.installed_definitions") == [["0"]])

        let report = try migrate(database)
        #expect(report.appliedMigrations == [] && report.installedDefinitions)
    }

    @Test func theWatchMigrationAloneAsksForTheJournalMigrationFirst() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        let error = #expect(throws: PostgresError.self) { try migrate(database, [Migration.all[1]], definitions: []) }
        #expect(error?.message.contains("needs migration 1 (0001_journal.sql) first") == true)
    }

    /// Applies `migrations` and `definitions` to `database` as the relay does.
    @discardableResult
    private func migrate(
        _ database: TestDatabase, _ migrations: [Migration] = Migration.all,
        definitions: [SQLDefinition] = SQLDefinition.all
    ) throws -> Migrator.Report {
        let connection = try PostgresConnection(connectionString: database.connectionString, applicationName: "test")
        return try Migrator(migrations: migrations, definitions: definitions, logger: Logger(label: "test"))
            .apply(on: connection)
    }

    /// The recorded versions and every rohrpost relation and function with the row version
    /// (`xmin`) of its catalog entry, which any CREATE OR REPLACE, ALTER or re-creation changes.
    private func schemaSnapshot(of database: TestDatabase) throws -> [[String?]] {
        try database.query("""
            SELECT 'version', version::text, applied_at::text FROM rohrpost.schema_migrations
            UNION ALL
            SELECT 'definitions', release::text, installed_at::text FROM rohrpost.installed_definitions
            UNION ALL
            SELECT 'relation', relname, oid::text || '/' || xmin::text FROM pg_class
            WHERE relnamespace = 'rohrpost'::regnamespace
            UNION ALL
            SELECT 'function', proname, oid::text || '/' || xmin::text || '/' || md5(pg_get_functiondef(oid)) FROM pg_proc
            WHERE pronamespace = 'rohrpost'::regnamespace
            UNION ALL
            SELECT 'trigger', tgname, oid::text || '/' || xmin::text FROM pg_trigger WHERE NOT tgisinternal
            ORDER BY 1, 2, 3
            """)
    }
}
