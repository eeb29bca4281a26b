import Logging
import RelayTestSupport
import RohrpostPostgres
import Testing

/// `rohrpost.record_logical_commits`, which numbers the transactions logical capture's stream
/// brought: blocks of positions in the order given, each transaction once, whatever a
/// replayed stream hands it again.
@Suite struct LogicalNumberingTests {
    @Test func aBatchIsNumberedInTheOrderGivenAndWhatHasPositionsOrNoEventsIsSkipped() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        let connection = try PostgresConnection(connectionString: database.connectionString, applicationName: "test")
        try Migrator(logger: Logger(label: "test")).apply(on: connection)
        try database.execute("CREATE TABLE items (id int PRIMARY KEY); SELECT rohrpost.watch('items')")
        // Three committed transactions with 2, 1 and 3 events.
        var xids: [String] = []
        for rows in [[1, 2], [3], [4, 5, 6]] {
            let values = rows.map { "(\($0))" }.joined(separator: ", ")
            let xid = try database.query("INSERT INTO items VALUES \(values) RETURNING pg_current_xact_id()::text")
            xids.append(xid.first?.first.flatMap { $0 } ?? "?")
        }
        func record(_ batch: [(xid: String, events: Int, lsn: String)]) throws -> [[String?]] {
            try database.query(
                "SELECT * FROM rohrpost.record_logical_commits($1::xid8[], $2::integer[], $3::pg_lsn[], ARRAY(SELECT now() FROM unnest($1::xid8[])))",
                parameters: [
                    "{" + batch.map(\.xid).joined(separator: ",") + "}",
                    "{" + batch.map { String($0.events) }.joined(separator: ",") + "}",
                    "{" + batch.map(\.lsn).joined(separator: ",") + "}",
                ])
        }
        let (a, b, c) = (xids[0], xids[1], xids[2])

        // b first, as the stream ordered it; a repeated xid and a transaction without
        // events (another table's, say) take no positions.
        #expect(try record([(b, 1, "0/20"), (a, 2, "0/10"), (b, 1, "0/20"), ("1", 0, "0/5")]) == [["1", "3"]])
        // Replayed after a crash: a again (by xid), c once with the LSN b had (skipped by
        // its commit LSN), then c with its own.
        #expect(try record([(a, 2, "0/10"), (c, 3, "0/20")]) == [[nil, nil]])
        #expect(try record([(c, 3, "0/30")]) == [["4", "6"]])

        let commits = try database.query("SELECT xid::text, position::text, event_count::text FROM rohrpost.commits ORDER BY position")
        #expect(commits == [[b, "1", "1"], [a, "2", "2"], [c, "4", "3"]])
        let ids = try database.query("SELECT string_agg((object->>'id'), ',' ORDER BY position) FROM rohrpost.read_events(0)")
        #expect(ids == [["3,1,2,4,5,6"]])
    }
}
