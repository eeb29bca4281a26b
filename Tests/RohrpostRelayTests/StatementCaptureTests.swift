import Foundation
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// Two watched tables whose every event goes to group "all", so one subscriber sees the
/// order of everything a transaction wrote.
private let itemsAndTags = """
    CREATE TABLE item (id serial PRIMARY KEY, title text NOT NULL, slug text);
    CREATE TABLE tag (id serial PRIMARY KEY, name text NOT NULL);
    SELECT rohrpost.watch('item', groups => ARRAY['all']);
    SELECT rohrpost.watch('tag', groups => ARRAY['all']);
    """

/// A table no other trigger writes from captures INSERT and DELETE per statement (one
/// journal INSERT for all its rows, in the order they were written); a table with triggers
/// of its own keeps row triggers, so what those write keeps its place among the rows.
@Suite(.serialized) struct StatementCaptureTests {
    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func aTableWithTriggersOfItsOwnSendsWhatTheyWroteInItsPlaceAmongTheRows(capture: CaptureSwitch.Mode) async throws {
        let triggers = """
            -- Before each item: a tag (another watched table). After each: its slug set, and
            -- after each delete a tag that says so.
            CREATE FUNCTION tag_item() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO tag (name) VALUES ('for ' || NEW.title); RETURN NEW; END $$;
            CREATE TRIGGER tag_item BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION tag_item();
            CREATE FUNCTION slug_item() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN UPDATE item SET slug = 'slug-' || NEW.title WHERE id = NEW.id; RETURN NULL; END $$;
            CREATE TRIGGER slug_item AFTER INSERT ON item FOR EACH ROW EXECUTE FUNCTION slug_item();
            CREATE FUNCTION note_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO tag (name) VALUES ('deleted ' || OLD.title); RETURN NULL; END $$;
            -- Upper case sorts before the capture's own triggers: it runs first.
            CREATE TRIGGER "A_note_delete" AFTER DELETE ON item FOR EACH ROW EXECUTE FUNCTION note_delete();
            -- Watched again after CREATE TRIGGER, as README says.
            SELECT rohrpost.watch('item', groups => ARRAY['all']);
            """
        try await LiveRelay.with(capture: capture, setUp: itemsAndTags + triggers) { live in
            let client = try await live.subscriber(#"{"type": "all"}"#)
            try live.database.execute("INSERT INTO item (title) VALUES ('a'), ('b'), ('c')")
            try live.database.execute("DELETE FROM item WHERE title IN ('a', 'b')")
            let events = try await client.receiveEvents(13)
            // BEFORE triggers run as the rows are written, AFTER row triggers in name order
            // once the statement wrote them: each row's create before its slug's update.
            #expect(events.map(\.summary) == [
                "create tag for a", "create tag for b", "create tag for c",
                "create item a -", "update item a slug-a", "create item b -", "update item b slug-b",
                "create item c -", "update item c slug-c",
                "create tag deleted a", "delete item a slug-a", "create tag deleted b", "delete item b slug-b",
            ])
            #expect(events.idsAreConsecutive, "consecutive ids: \(events.map(\.id))")
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func writableCTEsMergeAndUpsertsSendEveryRowOnceInTheirStatementsPlace(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: itemsAndTags) { live in
            let client = try await live.subscriber(#"{"type": "all"}"#)
            // Two inserts into one table in one statement: the outer one's rows are written
            // as the inner one's come out, one by one, and one statement trigger sees all.
            try live.database.execute("""
                WITH first AS (INSERT INTO item (title) VALUES ('p'), ('q') RETURNING title)
                INSERT INTO item (title) SELECT title || '2' FROM first
                """)
            // A delete and an insert into another table: each table's rows in the order
            // written, the two tables' one after the other.
            try live.database.execute("""
                WITH gone AS (DELETE FROM item WHERE title IN ('p', 'q') RETURNING title)
                INSERT INTO tag (name) SELECT 'was ' || title FROM gone
                """)
            let inserted = try await client.receiveEvents(4)
            #expect(inserted.map(\.summary) == ["create item p -", "create item p2 -", "create item q -", "create item q2 -"])
            let deletedAndTagged = try await client.receiveEvents(4).map(\.summary)
            #expect(deletedAndTagged.filter { $0.hasPrefix("delete") } == ["delete item p -", "delete item q -"])
            #expect(deletedAndTagged.filter { $0.hasPrefix("create") } == ["create tag was p", "create tag was q"])
            // MERGE and INSERT ... ON CONFLICT: each row once, within its statement's events.
            // (The order MERGE writes in is its join's.)
            try live.database.execute("""
                MERGE INTO item USING (VALUES ('p2', 'x'), ('new', 'y'), ('q2', NULL)) v(title, slug) ON item.title = v.title
                    WHEN MATCHED AND v.slug IS NULL THEN DELETE
                    WHEN MATCHED THEN UPDATE SET slug = v.slug
                    WHEN NOT MATCHED THEN INSERT (title, slug) VALUES (v.title, v.slug)
                """)
            try live.database.execute("""
                INSERT INTO item (id, title) SELECT id, 'upserted' FROM item WHERE title = 'new'
                UNION ALL SELECT 1000, 'fresh'
                ON CONFLICT (id) DO UPDATE SET title = excluded.title
                """)
            let merged = try await client.receiveEvents(5)
            #expect(Set(merged.prefix(3).map(\.summary)) == ["create item new y", "delete item q2 -", "update item p2 x"])
            #expect(Set(merged.suffix(2).map(\.summary)) == ["create item fresh -", "update item upserted y"])
            let all = inserted + merged
            #expect(all.idsIncrease, "ids strictly increase")
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    /// A function called by a statement on a table inserts into that same table: every row
    /// arrives once (the function's rows first: their statements ended first).
    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func aStatementThatWritesItsOwnTableFromAFunctionLosesNothing(capture: CaptureSwitch.Mode) async throws {
        let function = """
            CREATE FUNCTION side_item(n integer) RETURNS text LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO item (title) VALUES ('side ' || n); RETURN 'main ' || n; END $$;
            """
        try await LiveRelay.with(capture: capture, setUp: itemsAndTags + function) { live in
            let client = try await live.subscriber(#"{"type": "all"}"#)
            try live.database.execute("INSERT INTO item (title) SELECT side_item(n) FROM generate_series(1, 3) n")
            try live.database.execute("INSERT INTO item (title) VALUES ('after')")
            let events = try await client.receiveEvents(7)
            #expect(events.map(\.summary) == (1...3).map { "create item side \($0) -" } + (1...3).map { "create item main \($0) -" } + ["create item after -"])
            #expect(events.idsIncrease, "ids strictly increase")
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func rowsOfARolledBackSavepointAreNotSentAndTheRestKeepConsecutiveIds(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: itemsAndTags) { live in
            let client = try await live.subscriber(#"{"type": "all"}"#)
            try live.database.execute("""
                BEGIN;
                INSERT INTO item (title) VALUES ('a'), ('b');
                SAVEPOINT s;
                INSERT INTO item (title) VALUES ('undone 1'), ('undone 2');
                DELETE FROM item WHERE title = 'a';
                ROLLBACK TO SAVEPOINT s;
                INSERT INTO tag (name) VALUES ('t');
                INSERT INTO item (title) VALUES ('c'), ('d');
                DELETE FROM item WHERE title = 'b';
                COMMIT;
                """)
            let events = try await client.receiveEvents(6)
            #expect(events.map(\.summary) == [
                "create item a -", "create item b -", "create tag t", "create item c -", "create item d -", "delete item b -",
            ])
            #expect(events.idsAreConsecutive, "consecutive ids: \(events.map(\.id))")
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test(.timeLimit(.minutes(2)), arguments: CaptureSwitch.Mode.allCases)
    func tenThousandRowInsertAndDeleteStatementsArriveCompleteAndInOrder(capture: CaptureSwitch.Mode) async throws {
        let rows = 10_000
        try await LiveRelay.with(capture: capture, configure: { $0.journal.maximumResumeEvents = 100_000 }, setUp: itemsAndTags) { live in
            let client = try await live.subscriber(#"{"type": "all"}"#)
            try live.database.execute("INSERT INTO item (title) SELECT 'row ' || n FROM generate_series(1, \(rows)) n")
            try live.database.execute("DELETE FROM item")
            let events = try await client.receiveEvents(2 * rows, timeout: .seconds(30))
            let created = events.prefix(rows).map { $0.kind == "create" ? $0.object["id"] as? Int ?? -1 : -1 }
            let deleted = events.suffix(rows).filter { $0.kind == "delete" }.count
            #expect(created == Array(1...rows), "creates in the order written")
            #expect(deleted == rows)
            #expect(events.idsAreConsecutive, "consecutive ids")
            try await client.expectNothing(for: .milliseconds(300))
        }
    }
}

extension ReceivedEvent {
    /// "kind table title-or-name slug" (the slug "-" when NULL), to compare sequences at a glance.
    fileprivate var summary: String {
        if let name = object["name"] as? String { return "\(kind) tag \(name)" }
        return "\(kind) item \(object["title"] as? String ?? "?") \(object["slug"] as? String ?? "-")"
    }
}
