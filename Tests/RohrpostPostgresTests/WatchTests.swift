import Logging
import RelayTestSupport
import RohrpostPostgres
import Testing

/// The SQL API of the migrations: watch, unwatch, read_events, prune and last_position.
@Suite struct WatchTests {
    @Test func watchRefusesATableWithoutPrimaryKeyUnlessGivenGroups() async throws {
        let database = try await migratedDatabase()
        try database.execute("CREATE TABLE notes (body text)")
        #expect(errorText(of: "SELECT rohrpost.watch('notes')", in: database)
            .contains("table public.notes has no primary key: pass groups => ARRAY['...']"))
    }

    @Test func watchRefusesATemplateNamingAMissingColumn() async throws {
        let database = try await migratedDatabase()
        #expect(errorText(of: "SELECT rohrpost.watch('items', groups => ARRAY['item-{nope}'])", in: database)
            .contains(#"group template "item-{nope}" names column "nope", which table public.items does not have"#))
    }

    @Test func watchRefusesColumnsTheTableDoesNotHave() async throws {
        let database = try await migratedDatabase()
        #expect(errorText(of: "SELECT rohrpost.watch('items', columns => ARRAY['id', 'nope'])", in: database)
            .contains("table public.items has no column nope"))
    }

    @Test func watchRefusesAnEmptyColumnList() async throws {
        let database = try await migratedDatabase()
        #expect(errorText(of: "SELECT rohrpost.watch('items', columns => '{}')", in: database)
            .contains("columns must name at least one column of public.items (pass NULL to carry all columns)"))
    }

    @Test func aWatchedTableJournalsAnInsertForItsKeysGroup() async throws {
        let database = try await migratedDatabase()
        try database.execute("SELECT rohrpost.watch('items')")
        try database.execute("INSERT INTO items VALUES (7, 'seven')")
        try database.sequence()
        let events = try database.query("SELECT position, kind, groups::text, object::text FROM rohrpost.read_events(0)")
        #expect(events == [["1", "create", "{items-7}", #"{"id":7,"title":"seven"}"#]])
    }

    @Test func unwatchStopsJournalingTheTablesWrites() async throws {
        let database = try await migratedDatabase()
        try database.execute("SELECT rohrpost.watch('items')")
        try database.execute("INSERT INTO items VALUES (1, 'kept')")
        try database.execute("SELECT rohrpost.unwatch('items')")
        try database.execute("INSERT INTO items VALUES (2, 'unseen')")
        #expect(try database.query("SELECT count(*) FROM rohrpost.journal") == [["1"]])
        #expect(try database.query("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'items'::regclass") == [["0"]])
    }

    /// A plain table captures INSERT and DELETE per statement; where a statement trigger
    /// would miss rows (a partitioned table, a table in an inheritance tree: a statement
    /// fires the statement triggers of the table it names only), where another trigger could
    /// write before it runs (a user trigger, ON DELETE CASCADE), or with a payload
    /// function, row triggers capture everything. A foreign key that only checks is no
    /// reason.
    @Test func statementTriggersOnlyWhereTheySeeEveryRow() async throws {
        let database = try await migratedDatabase()
        try database.execute("""
            CREATE FUNCTION public.item_payload(t items) RETURNS jsonb LANGUAGE sql AS $$ SELECT pg_catalog.to_jsonb(t) $$;
            CREATE TABLE parted (id int PRIMARY KEY) PARTITION BY RANGE (id);
            CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (100);
            CREATE TABLE parent (id int PRIMARY KEY);
            CREATE TABLE child (id int PRIMARY KEY) INHERITS (parent);
            CREATE TABLE plain (id int PRIMARY KEY);
            CREATE TABLE referencing (id int PRIMARY KEY, plain_id int REFERENCES plain);
            CREATE TABLE cascading (id int PRIMARY KEY);
            CREATE TABLE cascaded (id int PRIMARY KEY, cascading_id int REFERENCES cascading ON DELETE CASCADE);
            CREATE TABLE triggered (id int PRIMARY KEY);
            CREATE FUNCTION public.noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
            CREATE TRIGGER audit AFTER INSERT ON triggered FOR EACH ROW EXECUTE FUNCTION public.noop();
            SELECT rohrpost.watch('items', payload => 'public.item_payload');
            SELECT rohrpost.watch(t) FROM unnest(ARRAY['parted', 'parent', 'child', 'plain', 'referencing', 'cascading',
                                                       'cascaded', 'triggered']::regclass[]) t;
            """)
        func triggers(_ table: String) throws -> [String] {
            try database.query("""
                SELECT string_agg(tgname || ' ' || (pg_catalog.pg_get_triggerdef(oid) ~ 'FOR EACH ROW')::text, ', ' ORDER BY tgname)
                FROM pg_trigger WHERE tgrelid = '\(table)'::regclass
                """).compactMap { $0.first ?? nil }
        }
        func rohrpostTriggers(_ table: String) throws -> [String] {
            try triggers(table).map { $0.split(separator: ", ").filter { $0.hasPrefix("_rohrpost") }.joined(separator: ", ") }
        }
        for table in ["items", "parted", "parted_low", "parent", "child", "cascading", "triggered"] {
            #expect(try rohrpostTriggers(table) == ["_rohrpost_capture true"], "\(table)")
        }
        for table in ["plain", "referencing", "cascaded"] {
            #expect(try rohrpostTriggers(table) == ["_rohrpost_capture true, _rohrpost_capture_delete false, _rohrpost_capture_insert false"], "\(table)")
        }
        // A child's rows deleted through its parent: the child's row trigger sees them.
        try database.execute("INSERT INTO child VALUES (1); DELETE FROM parent; INSERT INTO plain VALUES (1), (2); DELETE FROM plain")
        try database.sequence()
        #expect(try database.query("SELECT kind, table_name FROM rohrpost.read_events(0)") == [
            ["create", "public.child"], ["delete", "public.child"],
            ["create", "public.plain"], ["create", "public.plain"], ["delete", "public.plain"], ["delete", "public.plain"],
        ])
        try database.execute("SELECT rohrpost.unwatch('plain')")
        #expect(try rohrpostTriggers("plain") == [""])
    }

    @Test func unwatchOfATableThatIsNotWatchedDoesNothing() async throws {
        let database = try await migratedDatabase()
        try database.execute("SELECT rohrpost.unwatch('items')")
        try database.execute("INSERT INTO items VALUES (1, 'unseen')")
        #expect(try database.query("SELECT count(*) FROM rohrpost.journal") == [["0"]])
    }

    /// Reading the newest events must cost what they are, not the size of the journal: the
    /// reads never scan the journal table, whatever the planner's statistics say.
    @Test func journalReadsFindTheirEventsByKeyWithoutScanningTheJournal() async throws {
        let database = try await migratedDatabase()
        try database.execute("SELECT rohrpost.watch('items')")
        for first in stride(from: 1, through: 20_000, by: 2) {  // many small commits, no ANALYZE
            if first % 2_000 == 1 { try database.execute("BEGIN") }
            try database.execute("INSERT INTO items VALUES (\(first), 'x'), (\(first + 1), 'y')")
            if first % 2_000 == 1_999 { try database.execute("COMMIT") }
        }
        for first in stride(from: 20_001, through: 22_000, by: 2) {
            try database.execute("INSERT INTO items VALUES (\(first), 'x'), (\(first + 1), 'y')")
        }
        try database.sequence()
        try database.execute("BEGIN")
        let newest = try database.query("SELECT position, object->>'id' FROM rohrpost.read_events(21990, 1000)")
        let groupBacklog = try database.query("SELECT position FROM rohrpost.read_group_events('items-21999', 21000, 10)")
        let scans = try database.query("SELECT pg_stat_get_xact_numscans('rohrpost.journal'::regclass)")
        try database.execute("COMMIT")
        #expect(newest.map { $0[0] } == (21_991...22_000).map { String($0) })
        #expect(newest.map { $0[1] } == (21_991...22_000).map { String($0) })
        #expect(groupBacklog == [["21999"]])
        #expect(scans == [["0"]], "sequential scans of rohrpost.journal while reading")
    }

    @Test func readEventsReturnsPagesOfMaxCountInPositionOrderWithoutGaps() async throws {
        let database = try await migratedDatabase()
        try database.execute("SELECT rohrpost.watch('items')")
        for first in stride(from: 1, through: 2_500, by: 500) {
            try database.execute("INSERT INTO items SELECT n, 'x' FROM generate_series(\(first), \(first + 499)) n")
        }
        try database.sequence()
        var pages: [[Int]] = []
        for _ in 0..<4 {
            let after = pages.joined().last ?? 0
            let rows = try database.query("SELECT position FROM rohrpost.read_events($1, 1000)", parameters: ["\(after)"])
            pages.append(rows.compactMap { $0.first.flatMap { $0 }.flatMap { Int($0) } })
        }
        #expect(pages.map(\.count) == [1_000, 1_000, 500, 0])
        #expect(pages.flatMap { $0 } == Array(1...2_500))
    }

    @Test func pruneDeletesEventsOlderThanKeepAndKeepsNewerOnes() async throws {
        let database = try await migratedDatabase()
        try database.execute("SELECT rohrpost.watch('items')")
        for id in 1...4 { try database.execute("INSERT INTO items VALUES (\(id), 'x')") }
        try database.sequence()
        try database.execute("UPDATE rohrpost.commits SET committed_at = committed_at - interval '2 days' WHERE position <= 2")

        #expect(try database.query("SELECT rohrpost.prune('1 day')") == [["2"]])
        #expect(try database.query("SELECT position FROM rohrpost.read_events(0)") == [["3"], ["4"]])
    }

    @Test func pruneKeepsTheNewestTransactionSoLastPositionStays() async throws {
        let database = try await migratedDatabase()
        try database.execute("SELECT rohrpost.watch('items')")
        for id in 1...3 { try database.execute("INSERT INTO items VALUES (\(id), 'x')") }
        try database.sequence()

        #expect(try database.query("SELECT rohrpost.prune('0 seconds')") == [["2"]])
        #expect(try database.query("SELECT position FROM rohrpost.read_events(0)") == [["3"]])
        #expect(try database.query("SELECT rohrpost.last_position()") == [["3"]])
    }

    @Test func lastPositionIsZeroOnANewDatabase() async throws {
        let database = try await migratedDatabase()
        #expect(try database.query("SELECT rohrpost.last_position()") == [["0"]])
    }

    @Test func lastPositionIsTheIdOfTheLastEvent() async throws {
        let database = try await migratedDatabase()
        try database.execute("SELECT rohrpost.watch('items')")
        try database.execute("INSERT INTO items SELECT n, 'x' FROM generate_series(1, 3) n")
        try database.execute("UPDATE items SET title = 'y' WHERE id <= 2")
        try database.sequence()
        #expect(try database.query("SELECT rohrpost.last_position()") == [["5"]])
        #expect(try database.query("SELECT max(position) FROM rohrpost.read_events(0)") == [["5"]])
    }

    /// A new database with the relay's migrations and an unwatched table `items (id, title)`.
    private func migratedDatabase() async throws -> TestDatabase {
        let database = try await PostgresCluster.shared().makeDatabase()
        let connection = try PostgresConnection(connectionString: database.connectionString, applicationName: "test")
        try Migrator(logger: Logger(label: "test")).apply(on: connection)
        try database.execute("CREATE TABLE items (id int PRIMARY KEY, title text)")
        return database
    }

    /// What PostgreSQL answers when it rejects `sql`, or "no error".
    private func errorText(of sql: String, in database: TestDatabase) -> String {
        do {
            try database.execute(sql)
            return "no error"
        } catch {
            return "\(error)"
        }
    }
}
