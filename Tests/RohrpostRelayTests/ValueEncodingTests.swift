import Foundation
import RelayTestSupport
import Testing

/// Row values reach clients exactly as PostgreSQL's `to_json` writes them.
@Suite struct ValueEncodingTests {
    static let typesTable = """
        SET TIME ZONE 'Europe/Berlin';
        CREATE TABLE typed (id integer PRIMARY KEY, amount numeric(40, 0), ratio numeric, at timestamptz,
                            raw bytea, tags text[], doc jsonb, nothing text);
        SELECT rohrpost.watch('typed');
        """

    @Test func valuesMatchToJSONDigitForDigit() async throws {
        try await LiveRelay.with(setUp: Self.typesTable) { live in
            let client = try await live.subscriber(#"{"type": "typed", "id": 1}"#)
            try live.database.execute("""
                SET TIME ZONE 'Asia/Kolkata';
                INSERT INTO typed VALUES (1, 123456789012345678901234567890, 0.1000000000000000000001,
                    '2026-11-28 12:00:00+00', '\\xdeadbeef', ARRAY['a', 'b "c"'], '{"b": 1, "a": [true, null]}', NULL);
                """)
            let event = try await client.receiveEvent()
            let expected = try #require(live.database.query("SELECT to_json(typed)::text FROM typed WHERE id = 1").first?.first ?? nil)
            #expect(event.objectText == expected)
            #expect(event.objectText.contains("123456789012345678901234567890"))
            #expect(event.objectText.contains("0.1000000000000000000001"))
            #expect(event.objectText.contains("+05:30"), "timestamptz keeps the writing session's offset")
            #expect(event.objectText.contains(#""nothing":null"#))
        }
    }

    @Test func columnsOptionLimitsTheObjectAndUpdatedFields() async throws {
        let setUp = todoTable + "SELECT rohrpost.watch('todo', groups => ARRAY['todo-{id}'], columns => ARRAY['id', 'title']);"
            + "INSERT INTO todo (collection_id, title) VALUES (1, 'a');"
        try await LiveRelay.with(setUp: setUp) { live in
            let client = try await live.subscriber(#"{"type": "todo", "id": 1}"#)
            try live.database.execute("UPDATE todo SET done = true WHERE id = 1")  // not carried: nothing
            try live.database.execute("UPDATE todo SET title = 'b', done = false WHERE id = 1")
            let event = try await client.receiveEvent()
            #expect(event.objectText == #"{"id":1,"title":"b","updated_fields":["title"]}"#)
        }
    }

    @Test func nullPlaceholderYieldsNoGroupAndDefaultGroupUsesTheKey() async throws {
        let setUp = """
            CREATE TABLE pair (a integer, b text, owner integer, PRIMARY KEY (a, b));
            SELECT rohrpost.watch('pair', groups => ARRAY['pair-{a}-{b}', 'owner-{owner}']);
            CREATE TABLE item (id integer PRIMARY KEY);
            SELECT rohrpost.watch('item');
            """
        try await LiveRelay.with(setUp: setUp) { live in
            let owners = try await live.subscriber(#"{"type": "owner"}"#, #"{"type": "owner", "id": ""}"#)
            let pair = try await live.subscriber(#"{"type": "pair", "id": "1-x"}"#)
            let item = try await live.subscriber(#"{"type": "item", "id": 7}"#)
            try live.database.execute("INSERT INTO pair VALUES (1, 'x', NULL); INSERT INTO item VALUES (7)")
            #expect(try await pair.receiveEvent().group == "pair-1-x")
            #expect(try await item.receiveEvent().group == "item-7")
            try await owners.expectNothing(for: .milliseconds(300))
        }
    }
}
