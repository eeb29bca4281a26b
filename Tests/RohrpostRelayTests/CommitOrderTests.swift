import Foundation
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// The order docs/PROTOCOL.md promises, with many writers at once: one row's changes in
/// commit order, a transaction begun after another's commit was acknowledged after it, a
/// transaction's events (row changes and sends) together and in statement order. Only
/// transactions that overlap may come in either order.
@Suite(.serialized) struct CommitOrderTests {
    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func updatesOfOneRowByConcurrentWritersArriveInCommitOrder(capture: CaptureSwitch.Mode) async throws {
        let setUp = """
            CREATE TABLE counter (id integer PRIMARY KEY, n integer NOT NULL);
            INSERT INTO counter VALUES (1, 0);
            SELECT rohrpost.watch('counter', groups => ARRAY['counter-{id}']);
            """
        let (writers, updates) = (8, 100)
        try await LiveRelay.with(capture: capture, setUp: setUp) { live in
            let client = try await live.subscriber(#"{"type": "counter", "id": 1}"#)
            // Each update waits for the row lock of the one before: the row's commit order is n's order.
            try await ConcurrentSessions.run(writers, on: live.database) { _, connection in
                for _ in 0..<updates { try connection.execute("UPDATE counter SET n = n + 1 WHERE id = 1") }
            }
            let events = try await client.receiveEvents(writers * updates, timeout: .seconds(20))
            let values = events.map { $0.object["n"] as? Int ?? -1 }
            let firstOutOfOrder = zip(values, values.indices).first { $0.0 != $0.1 + 1 }
            #expect(values == Array(1...(writers * updates)), "n should be 1, 2, 3, ...: first out of place at index \(String(describing: firstOutOfOrder?.1)) n = \(String(describing: firstOutOfOrder?.0))")
            #expect(events.idsIncrease, "ids strictly increase")
            if capture == .trigger {
                // Writers only appended journal rows: no marker row, no ticket (sql/0011).
                #expect(try live.database.query("SELECT (SELECT count(*) FROM rohrpost.pending_commit) + (SELECT count(*) FROM rohrpost.tickets)").first?.first == "0")
            }
            try await client.expectNothing(for: .milliseconds(200))
        }
    }

    /// Trigger capture's numbering in small batches (a capped batch finishes its snapshot's
    /// set in stamp order on the next call), while other sessions call
    /// `rohrpost.sequence_commits` too, as a second sequencer would for a moment around a
    /// takeover: one row's changes still arrive in commit order, each once.
    @Test(.timeLimit(.minutes(1)))
    func updatesOfOneRowStayInCommitOrderWhenSeveralSessionsNumberInSmallBatches() async throws {
        let setUp = """
            CREATE TABLE counter (id integer PRIMARY KEY, n integer NOT NULL);
            INSERT INTO counter VALUES (1, 0);
            SELECT rohrpost.watch('counter', groups => ARRAY['counter-{id}']);
            """
        let (writers, updates) = (6, 100)
        try await LiveRelay.with(configure: { $0.capture.maximumBatch = 3 }, setUp: setUp) { live in
            let client = try await live.subscriber(#"{"type": "counter", "id": 1}"#)
            let done = StopSignal()
            let rivals = Task {
                try await ConcurrentSessions.run(2, on: live.database) { _, connection in
                    while !done.isSet { _ = try connection.query("SELECT * FROM rohrpost.sequence_commits(2)") }
                }
            }
            try await ConcurrentSessions.run(writers, on: live.database) { _, connection in
                for _ in 0..<updates { try connection.execute("UPDATE counter SET n = n + 1 WHERE id = 1") }
            }
            try await live.waitUntilNumbered()
            done.set()
            try await rivals.value
            let events = try await client.receiveEvents(writers * updates, timeout: .seconds(20))
            let values = events.map { $0.object["n"] as? Int ?? -1 }
            #expect(values == Array(1...(writers * updates)), "n should be 1, 2, 3, ...: \(values.prefix(40))")
            #expect(events.idsIncrease, "ids strictly increase")
            try await client.expectNothing(for: .milliseconds(200))
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func aChildInsertedAfterItsParentsCommitWasAcknowledgedArrivesAfterIt(capture: CaptureSwitch.Mode) async throws {
        let setUp = """
            CREATE TABLE parent (id integer PRIMARY KEY, collection_id integer NOT NULL DEFAULT 1);
            CREATE TABLE child (id integer PRIMARY KEY, parent_id integer NOT NULL REFERENCES parent,
                                collection_id integer NOT NULL DEFAULT 1);
            SELECT rohrpost.watch('parent', groups => ARRAY['collection-{collection_id}']);
            SELECT rohrpost.watch('child', groups => ARRAY['collection-{collection_id}']);
            """
        let (pairs, families) = (4, 100)
        try await LiveRelay.with(capture: capture, setUp: setUp) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let connectionString = live.database.connectionString
            // Each pair of sessions: one inserts a parent and commits, then the other its child.
            try await ConcurrentSessions.run(pairs, on: live.database) { pair, parents in
                let children = try PostgresConnection(connectionString: connectionString, applicationName: "test children \(pair)")
                for family in 0..<families {
                    let id = pair + pairs * family
                    if family.isMultiple(of: 2) {
                        try parents.execute("INSERT INTO parent (id) VALUES (\(id))")
                        try children.execute("INSERT INTO child (id, parent_id) VALUES (\(id), \(id))")
                    } else {
                        // The child's transaction takes its xid before the parent's exists:
                        // ordering by xid would put the child first.
                        try children.execute("BEGIN; SELECT pg_current_xact_id()")
                        try parents.execute("INSERT INTO parent (id) VALUES (\(id))")
                        try children.execute("INSERT INTO child (id, parent_id) VALUES (\(id), \(id)); COMMIT")
                    }
                }
            }
            let events = try await client.receiveEvents(2 * pairs * families, timeout: .seconds(20))
            var parentAt: [Int: Int] = [:]
            var childAt: [Int: Int] = [:]
            for (index, event) in events.enumerated() {
                let id = event.object["id"] as? Int ?? -1
                if event.object["parent_id"] != nil { childAt[id] = index } else { parentAt[id] = index }
            }
            #expect(parentAt.count == pairs * families && childAt.count == pairs * families, "every parent and child once")
            let early = childAt.filter { id, index in index < parentAt[id] ?? .max }.keys.sorted()
            #expect(early.isEmpty, "children before their parent: \(early.prefix(10)) (\(early.count) in all)")
            #expect(events.idsIncrease, "ids strictly increase")
            try await client.expectNothing(for: .milliseconds(200))
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: CaptureSwitch.Mode.allCases)
    func aTransactionsRowChangesAndSendsArriveTogetherInStatementOrder(capture: CaptureSwitch.Mode) async throws {
        let (writers, transactions, steps) = (4, 40, 7)
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try await ConcurrentSessions.run(writers, on: live.database) { writer, connection in
                for transaction in 0..<transactions {
                    let tag = "\(writer):\(transaction):"
                    let row = 1 + 2 * (writer + writers * transaction)
                    try connection.execute("""
                        BEGIN;
                        SELECT rohrpost.send('collection-1', 'note', '{"tag": "\(tag)0"}');
                        INSERT INTO todo (id, collection_id, title) VALUES (\(row), 1, '\(tag)1');
                        SELECT rohrpost.send('collection-1', 'note', '{"tag": "\(tag)2"}');
                        UPDATE todo SET title = '\(tag)3' WHERE id = \(row);
                        SELECT rohrpost.send('collection-1', 'note', '{"tag": "\(tag)4"}');
                        INSERT INTO todo (id, collection_id, title) VALUES (\(row + 1), 1, '\(tag)5');
                        SELECT rohrpost.send('collection-1', 'note', '{"tag": "\(tag)6"}');
                        COMMIT;
                        """)
                }
            }
            let events = try await client.receiveEvents(writers * transactions * steps, timeout: .seconds(20))
            let tags = events.map { ($0.kind == "note" ? $0.object["tag"] : $0.object["title"]) as? String ?? "?" }
            #expect(Set(tags).count == tags.count, "every event once")
            var transactionsInOrder: [String] = []
            for start in stride(from: 0, to: events.count, by: steps) {
                let block = Array(start..<start + steps)
                let transaction = tags[start].split(separator: ":").prefix(2).joined(separator: ":")
                let expected = (0..<steps).map { "\(transaction):\($0)" }
                let consecutive = block.allSatisfy { events[$0].id == events[start].id + Int64($0 - start) }
                #expect(block.map { tags[$0] } == expected && consecutive,
                        "events \(start)..<\(start + steps) should be one transaction's, in statement order, with consecutive ids: \(block.map { "\(events[$0].id) \(tags[$0])" })")
                transactionsInOrder.append(transaction)
            }
            // A writer's next transaction began after its last was acknowledged.
            for writer in 0..<writers {
                let mine = transactionsInOrder.filter { $0.hasPrefix("\(writer):") }.map { Int($0.split(separator: ":")[1]) ?? -1 }
                #expect(mine == Array(0..<transactions), "writer \(writer)'s transactions in the order it committed them")
            }
            #expect(events.idsIncrease, "ids strictly increase")
            try await client.expectNothing(for: .milliseconds(200))
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases)
    func savepointsSendOnlyWhatWasKeptTogetherInOrder(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("""
                BEGIN;
                INSERT INTO todo (collection_id, title) VALUES (1, 'kept 1');
                SAVEPOINT s;
                INSERT INTO todo (collection_id, title) VALUES (1, 'undone');
                SELECT rohrpost.send('collection-1', 'note', '{"title": "undone note"}');
                ROLLBACK TO SAVEPOINT s;
                SAVEPOINT t;
                INSERT INTO todo (collection_id, title) VALUES (1, 'kept 2');
                RELEASE SAVEPOINT t;
                SELECT rohrpost.send('collection-1', 'note', '{"title": "kept 3"}');
                COMMIT;
                """)
            // A transaction whose only events were undone sends nothing.
            try live.database.execute("""
                BEGIN; SAVEPOINT s; INSERT INTO todo (collection_id, title) VALUES (1, 'undone alone'); ROLLBACK TO SAVEPOINT s; COMMIT;
                """)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'after')")
            let events = try await client.receiveEvents(4)
            #expect(events.map { $0.object["title"] as? String } == ["kept 1", "kept 2", "kept 3", "after"])
            #expect(events.prefix(3).map(\.id) == [events[0].id, events[0].id + 1, events[0].id + 2])
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    /// Events written after the transaction's first allocation (SET CONSTRAINTS ALL
    /// IMMEDIATE, as a later deferred trigger would) stay in its block, including across
    /// savepoints, while another transaction commits in between.
    @Test(arguments: CaptureSwitch.Mode.allCases)
    func eventsWrittenAfterAnImmediateAllocationStayInTheirTransactionsBlock(capture: CaptureSwitch.Mode) async throws {
        try await LiveRelay.with(capture: capture, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let long = try PostgresConnection(connectionString: live.database.connectionString, applicationName: "long writer")
            try long.execute("BEGIN; SET CONSTRAINTS ALL IMMEDIATE; INSERT INTO todo (collection_id, title) VALUES (1, 'a')")
            try long.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'b')")
            try await onDedicatedThread { [connectionString = live.database.connectionString] in
                try PostgresConnection(connectionString: connectionString, applicationName: "short writer")
                    .execute("INSERT INTO todo (collection_id, title) VALUES (1, 'other')")
            }
            try long.execute("SAVEPOINT s; INSERT INTO todo (collection_id, title) VALUES (1, 'undone'); ROLLBACK TO SAVEPOINT s")
            try long.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'c'); COMMIT")
            let events = try await client.receiveEvents(4)
            #expect(events.map { $0.object["title"] as? String } == ["other", "a", "b", "c"])
            #expect(events.dropFirst().map(\.id) == [events[1].id, events[1].id + 1, events[1].id + 2])
            try await client.expectNothing(for: .milliseconds(300))
        }
    }
}
