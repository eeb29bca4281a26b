import Foundation
import RohrpostPostgres

/// What the relay's journal holds for one step (issue 21): the scenario's events are counted
/// in the journal itself, once every journal row has been numbered, and compared with what the
/// clients received (`DeliveryCheck`).
enum JournalCount {
    /// Where the journal stands: the last position and the next transaction id, once every
    /// journal row written so far has its commits row.
    struct Mark: Sendable, Hashable {
        var position: Int64
        var xid: String
    }

    /// Waits until every journal row is numbered, then marks where the journal stands.
    static func mark(connectionString: String) throws -> Mark {
        let connection = try PostgresConnection(connectionString: connectionString, applicationName: "rohrpost-bench journal")
        try waitUntilNumbered(connection, since: "0")
        let rows = try connection.query(
            "SELECT coalesce(max(c.position + c.event_count - 1), 0), pg_current_xact_id() FROM rohrpost.commits c")
        guard let row = rows.first, let position = row[0].flatMap({ Int64($0) }), let xid = row[1] else {
            throw BenchError("reading the journal's last position returned nothing")
        }
        return Mark(position: position, xid: xid)
    }

    /// Events numbered after `mark`, once every journal row written since is numbered.
    static func events(connectionString: String, after mark: Mark) throws -> Int {
        let connection = try PostgresConnection(connectionString: connectionString, applicationName: "rohrpost-bench journal")
        try waitUntilNumbered(connection, since: mark.xid)
        let rows = try connection.query("SELECT count(*) FROM rohrpost.read_events($1::bigint, 100000000)", [String(mark.position)])
        guard let count = rows.first?.first.flatMap({ $0 }).flatMap({ Int($0) }) else {
            throw BenchError("counting the journal's events returned nothing")
        }
        return count
    }

    /// Polls every 50 ms until no journal row from transaction `since` on lacks its commits
    /// row; gives up after `timeout` seconds.
    private static func waitUntilNumbered(_ connection: PostgresConnection, since: String, timeout: Double = 300) throws {
        let deadline = monotonicSeconds() + timeout
        while true {
            let rows = try connection.query(
                """
                SELECT count(*) FROM rohrpost.journal j WHERE j.xid >= $1::xid8
                AND NOT EXISTS (SELECT FROM rohrpost.commits c WHERE c.xid = j.xid)
                """, [since])
            let waiting = rows.first?.first.flatMap { $0 } ?? "?"
            if waiting == "0" { return }
            if monotonicSeconds() > deadline {
                throw BenchError("\(waiting) journal rows were still not numbered after \(Int(timeout)) s: is the relay's sequencer running?")
            }
            usleep(50_000)
        }
    }
}

/// One step's loss check: events in the journal against rows written and against what every
/// subscribed client received. Any difference fails the run.
struct DeliveryCheck: Sendable, Hashable, Codable {
    /// Events the journal numbered during the step.
    var journalEvents: Int
    /// Rows the step wrote (one event each).
    var rowsWritten: Int
    /// Events every reading client of their group received (`StepTally.receivedByEveryClient`).
    var receivedByEveryClient: Int
    /// Events written to groups that no reading client subscribed to (none in the presets).
    var unsubscribedEvents = 0

    /// Whether the journal holds what was written and every client received all of it.
    var passed: Bool { journalEvents == rowsWritten && receivedByEveryClient + unsubscribedEvents == journalEvents }

    /// The line a run prints for the step.
    func line(_ label: String) -> String {
        var counts = "journal \(journalEvents) events, \(rowsWritten) rows written, \(receivedByEveryClient) received by every client of their group"
        if unsubscribedEvents > 0 { counts += " (\(unsubscribedEvents) to groups nobody subscribed)" }
        if passed { return "# delivery (\(label)): \(counts): all" }
        var differences: [String] = []
        if journalEvents != rowsWritten { differences.append("the journal has \(journalEvents - rowsWritten) more than written") }
        let missing = journalEvents - unsubscribedEvents - receivedByEveryClient
        if missing != 0 { differences.append("\(missing) not received") }
        return "DELIVERY CHECK FAILED (\(label)): \(counts): \(differences.joined(separator: ", "))"
    }
}
