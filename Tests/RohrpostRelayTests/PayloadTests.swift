import Foundation
import RelayTestSupport
import RohrpostPostgres
import Testing

/// Tables with a collection each, and todos whose events carry a payload function's
/// result: the collection's name joined in, a computed field, a hidden column left out.
private let payloadTables = """
    CREATE TABLE collection (id integer PRIMARY KEY, name text NOT NULL);
    INSERT INTO collection VALUES (1, 'Groceries'), (2, 'Work');
    CREATE TABLE todo (id serial PRIMARY KEY, collection_id integer REFERENCES collection, title text NOT NULL,
                       done boolean NOT NULL DEFAULT false, secret text);
    CREATE FUNCTION public.todo_payload(t todo) RETURNS jsonb LANGUAGE sql STABLE AS $$
        SELECT jsonb_build_object('id', t.id, 'title', t.title, 'done', t.done,
                                  'collection', (SELECT c.name FROM collection c WHERE c.id = t.collection_id),
                                  'shout', upper(t.title))
    $$;
    SELECT rohrpost.watch('todo', groups => ARRAY['todo-{id}', 'collection-{collection_id}'],
                          payload => 'public.todo_payload');
    """

/// `rohrpost.watch(..., payload => 'schema.function')`: the function's jsonb is the object.
@Suite struct PayloadTests {
    @Test func theObjectIsWhatThePayloadFunctionReturns() async throws {
        try await LiveRelay.with(setUp: payloadTables) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title, secret) VALUES (1, 'milk', 'hidden')")
            let created = try await client.receiveEvent()
            #expect(created.kind == "create")
            #expect(created.object["collection"] as? String == "Groceries")
            #expect(created.object["shout"] as? String == "MILK")
            #expect(created.object["secret"] == nil)
            try live.database.execute("UPDATE todo SET done = true WHERE id = 1")
            let updated = try await client.receiveEvent()
            #expect(updated.kind == "update")
            #expect(updated.object["done"] as? Bool == true)
            #expect(updated.updatedFields == ["done"])
            try live.database.execute("DELETE FROM todo WHERE id = 1")
            let deleted = try await client.receiveEvent()
            #expect(deleted.kind == "delete")
            #expect(deleted.object["collection"] as? String == "Groceries")
        }
    }

    @Test func anUpdateWhosePayloadIsIdenticalIsNotSent() async throws {
        try await LiveRelay.with(setUp: payloadTables + "INSERT INTO todo (collection_id, title) VALUES (1, 'milk');") {
            live in
            let client = try await live.subscriber(#"{"type": "todo", "id": 1}"#)
            // `secret` is carried (updated_fields would name it) but not in the payload.
            try live.database.execute("UPDATE todo SET secret = 'changed' WHERE id = 1")
            try live.database.execute("UPDATE todo SET title = 'oat milk' WHERE id = 1")
            let event = try await client.receiveEvent()
            #expect(event.object["title"] as? String == "oat milk")
            #expect(event.updatedFields == ["title"])
            try await client.expectNothing(for: .milliseconds(200))
        }
    }

    @Test func aRowMovingBetweenGroupsGetsDeleteAndCreateWithPayloads() async throws {
        try await LiveRelay.with(setUp: payloadTables + "INSERT INTO todo (collection_id, title) VALUES (1, 'milk');") {
            live in
            let groceries = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let work = try await live.subscriber(#"{"type": "collection", "id": 2}"#)
            try live.database.execute("UPDATE todo SET collection_id = 2 WHERE id = 1")
            let left = try await groceries.receiveEvent()
            #expect(left.kind == "delete" && left.object["collection"] as? String == "Groceries")
            let joined = try await work.receiveEvent()
            #expect(joined.kind == "create" && joined.object["collection"] as? String == "Work")
        }
    }

    @Test func aPayloadOfNullSendsNothingForThatChangeWhateverItsKind() async throws {
        let drafts = payloadTables + """
            CREATE OR REPLACE FUNCTION public.todo_payload(t todo) RETURNS jsonb LANGUAGE sql STABLE AS $$
                SELECT CASE WHEN t.title LIKE 'draft%' THEN NULL ELSE jsonb_build_object('id', t.id, 'title', t.title) END
            $$;
            """
        try await LiveRelay.with(setUp: drafts) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'draft: secret plan')")
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'published')")
            let event = try await client.receiveEvent()
            #expect(event.object["title"] as? String == "published")
            #expect(try live.database.query("SELECT count(*) FROM todo").first?.first == "2")
            // Nor for an update or a delete whose payload is NULL.
            try live.database.execute("UPDATE todo SET title = 'draft: still secret' WHERE title LIKE 'draft%'")
            try live.database.execute("DELETE FROM todo WHERE title LIKE 'draft%'")
            try live.database.execute("DELETE FROM todo WHERE title = 'published'")
            let deleted = try await client.receiveEvent()
            #expect(deleted.kind == "delete" && deleted.object["title"] as? String == "published", "\(deleted)")
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test func aPayloadFunctionThatRaisesFailsTheWriteWithItsError() async throws {
        let failing = payloadTables + """
            CREATE OR REPLACE FUNCTION public.todo_payload(t todo) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
            BEGIN
                IF t.title = 'boom' THEN RAISE EXCEPTION 'todo_payload cannot describe %', t.title; END IF;
                RETURN jsonb_build_object('id', t.id, 'title', t.title);
            END $$;
            """
        try await LiveRelay.with(setUp: failing) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let error = #expect(throws: PostgresError.self) {
                try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'boom')")
            }
            #expect(error?.serverMessage == "todo_payload cannot describe boom")
            #expect(error?.description.contains("todo_payload") == true)
            #expect(try live.database.query("SELECT count(*) FROM todo").first?.first == "0", "the write did not go through")
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'fine')")
            #expect(try await client.receiveEvent().object["title"] as? String == "fine")
        }
    }

    @Test func watchRefusesAPayloadThatIsNotARowToJSONBFunction() async throws {
        try await LiveRelay.with(setUp: payloadTables) { live in
            let cases = [
                ("SELECT rohrpost.watch('todo', payload => 'public.nope')",
                 "rohrpost.watch: no payload function public.nope(public.todo): name a function, schema-qualified, that takes the table's row type and returns jsonb"),
                ("CREATE FUNCTION public.as_text(t todo) RETURNS text LANGUAGE sql AS 'SELECT t.title'; SELECT rohrpost.watch('todo', payload => 'public.as_text')",
                 "rohrpost.watch: payload function public.as_text(public.todo) returns text, not jsonb"),
            ]
            for (sql, message) in cases {
                let error = #expect(throws: PostgresError.self) { try live.database.execute(sql) }
                #expect(error?.serverMessage == message, "\(sql)")
            }
        }
    }
}
