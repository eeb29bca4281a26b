import Foundation
import RelayTestSupport
import Testing

/// A watched table with a per-row group and a per-collection group.
let todoTable = """
    CREATE TABLE todo (id serial PRIMARY KEY, collection_id integer, title text NOT NULL,
                       done boolean NOT NULL DEFAULT false);
    SELECT rohrpost.watch('todo', groups => ARRAY['todo-{id}', 'collection-{collection_id}']);
    """

/// Each kind of row change reaches the groups of its row as the right rohrpost event.
@Suite struct RowEventTests {
    @Test func insertIsCreateWithTheNewRow() async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 5}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (5, 'write tests')")
            let event = try await client.receiveEvent()
            #expect(event.kind == "create")
            #expect(event.group == "collection-5")
            #expect(event.objectText == #"{"id":1,"collection_id":5,"title":"write tests","done":false}"#)
        }
    }

    @Test func updateCarriesTheChangedColumnsInUpdatedFields() async throws {
        try await LiveRelay.with(setUp: todoTable + "INSERT INTO todo (collection_id, title) VALUES (5, 'a');") { live in
            let client = try await live.subscriber(#"{"type": "todo", "id": 1}"#)
            try live.database.execute("UPDATE todo SET title = 'b', done = true WHERE id = 1")
            let event = try await client.receiveEvent()
            #expect(event.kind == "update")
            #expect(event.group == "todo-1")
            #expect(event.object["title"] as? String == "b")
            #expect(event.updatedFields == ["title", "done"])
        }
    }

    @Test func deleteCarriesTheRowAsItWas() async throws {
        try await LiveRelay.with(setUp: todoTable + "INSERT INTO todo (collection_id, title) VALUES (5, 'gone soon');") { live in
            let client = try await live.subscriber(#"{"type": "todo", "id": 1}"#)
            try live.database.execute("DELETE FROM todo WHERE id = 1")
            let event = try await client.receiveEvent()
            #expect(event.kind == "delete")
            #expect(event.objectText == #"{"id":1,"collection_id":5,"title":"gone soon","done":false}"#)
        }
    }

    @Test func updateThatChangesNothingSendsNothing() async throws {
        try await LiveRelay.with(setUp: todoTable + "INSERT INTO todo (collection_id, title) VALUES (5, 'same');") { live in
            let client = try await live.subscriber(#"{"type": "todo", "id": 1}"#)
            try live.database.execute("UPDATE todo SET title = 'same' WHERE id = 1")
            try live.database.execute("UPDATE todo SET title = 'changed' WHERE id = 1")
            let event = try await client.receiveEvent()
            #expect(event.object["title"] as? String == "changed", "the no-op update must not produce an event")
        }
    }

    @Test func rowMovingBetweenGroupsIsDeleteForTheOldAndCreateForTheNew() async throws {
        try await LiveRelay.with(setUp: todoTable + "INSERT INTO todo (collection_id, title) VALUES (5, 'moving');") { live in
            let old = try await live.subscriber(#"{"type": "collection", "id": 5}"#)
            let new = try await live.subscriber(#"{"type": "collection", "id": 6}"#)
            let row = try await live.subscriber(#"{"type": "todo", "id": 1}"#)
            try live.database.execute("UPDATE todo SET collection_id = 6 WHERE id = 1")
            let left = try await old.receiveEvent()
            let joined = try await new.receiveEvent()
            let updated = try await row.receiveEvent()
            #expect(left.kind == "delete" && left.group == "collection-5")
            #expect(left.object["collection_id"] as? Int == 5)
            #expect(joined.kind == "create" && joined.group == "collection-6")
            #expect(joined.object["collection_id"] as? Int == 6)
            #expect(joined.updatedFields == nil)
            #expect(updated.kind == "update" && updated.updatedFields == ["collection_id"])
            #expect(Set([left.id, joined.id, updated.id]).count == 1, "one row change shares one id")
        }
    }

    @Test func truncateSendsNothing() async throws {
        try await LiveRelay.with(setUp: todoTable + "INSERT INTO todo (collection_id, title) VALUES (5, 'x');") { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 5}"#)
            try live.database.execute("TRUNCATE todo")
            try live.database.execute("INSERT INTO todo (id, collection_id, title) VALUES (9, 5, 'after')")
            let event = try await client.receiveEvent()
            #expect(event.kind == "create" && event.object["id"] as? Int == 9)
        }
    }
}
