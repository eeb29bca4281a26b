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

/// INSERT and DELETE are captured per statement (one journal INSERT for all its rows), and
/// each row is numbered as it is written: what a client sees is the order the rows were
/// written in, with what triggers of the statement did before or after each row, as row
/// triggers gave it.
@Suite(.serialized) struct StatementCaptureTests {
    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func aStatementsRowsArriveInTheOrderTheyWereWrittenAmongWhatTheirTriggersWrote(capture: CaptureSwitch.Mode) async throws {
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
            """
        try await LiveRelay.with(capture: capture, setUp: itemsAndTags + triggers) { live in
            let client = try await live.subscriber(#"{"type": "all"}"#)
            try live.database.execute("INSERT INTO item (title) VALUES ('a'), ('b'), ('c')")
            try live.database.execute("DELETE FROM item WHERE title IN ('a', 'b')")
            let events = try await client.receiveEvents(13)
            #expect(events.map(\.summary) == [
                "create tag for a", "create item a -", "create tag for b", "create item b -", "create tag for c", "create item c -",
                "update item a slug-a", "update item b slug-b", "update item c slug-c",
                "delete item a slug-a", "delete item b slug-b", "create tag deleted a", "create tag deleted b",
            ])
            #expect(events.dropFirst().map(\.id) == events.dropLast().map { $0.id + 1 }, "consecutive ids: \(events.map(\.id))")
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func writableCTEsMergeAndUpsertsSendEveryRowOnceInTheOrderItWasWritten(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: itemsAndTags) { live in
            let client = try await live.subscriber(#"{"type": "all"}"#)
            // Two inserts into one table in one statement: the outer one's rows are written
            // as the inner one's come out, one by one.
            try live.database.execute("""
                WITH first AS (INSERT INTO item (title) VALUES ('p'), ('q') RETURNING title)
                INSERT INTO item (title) SELECT title || '2' FROM first
                """)
            // A delete and an insert into another table, row by row.
            try live.database.execute("""
                WITH gone AS (DELETE FROM item WHERE title IN ('p', 'q') RETURNING title)
                INSERT INTO tag (name) SELECT 'was ' || title FROM gone
                """)
            let interleaved = try await client.receiveEvents(8)
            #expect(interleaved.map(\.summary) == [
                "create item p -", "create item p2 -", "create item q -", "create item q2 -",
                "delete item p -", "create tag was p", "delete item q -", "create tag was q",
            ])
            // MERGE and INSERT ... ON CONFLICT: each row once, the statement's updates
            // (row triggers, as ever) after its creates and deletes. (The order MERGE
            // writes in is its join's.)
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
            #expect(Set(merged.prefix(2).map(\.summary)) == ["create item new y", "delete item q2 -"])
            #expect(merged.suffix(3).map(\.summary) == ["update item p2 x", "create item fresh -", "update item upserted y"])
            #expect(zip(interleaved + merged, (interleaved + merged).dropFirst()).allSatisfy { $0.id < $1.id }, "ids strictly increase")
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    /// A function called by a statement on a table inserts into that same table (claims of
    /// one table and depth that interleave): every row arrives once.
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
            #expect(Set(events.map(\.summary)) == Set((1...3).flatMap { ["create item side \($0) -", "create item main \($0) -"] } + ["create item after -"]))
            #expect(events.last?.summary == "create item after -")
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.id < $1.id }, "ids strictly increase")
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
            #expect(events.dropFirst().map(\.id) == events.dropLast().map { $0.id + 1 }, "consecutive ids: \(events.map(\.id))")
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
            #expect(events.dropFirst().map(\.id) == events.dropLast().map { $0.id + 1 }, "consecutive ids")
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
