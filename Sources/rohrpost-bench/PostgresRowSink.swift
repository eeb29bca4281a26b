import RohrpostPostgres

/// Inserts rows into `bench_item` through one libpq connection, one autocommit
/// statement per batch. Each row's `written_at_us` is `clock_timestamp()` when the
/// INSERT evaluates it, moments before that statement's commit.
final class PostgresRowSink: RowSink {
    private let connection: PostgresConnection
    private let groups: Int
    private let payloadBytes: Int

    init(connectionString: String, groups: Int, payloadBytes: Int) throws {
        connection = try PostgresConnection(connectionString: connectionString, applicationName: "rohrpost-bench writer")
        self.groups = groups
        self.payloadBytes = payloadBytes
    }

    func write(first: Int64, last: Int64, step: Int64) throws {
        _ = try connection.query(
            "INSERT INTO bench_item (grp, seq, pad) SELECT s % $4::bigint, s, repeat('x', $5::int) FROM generate_series($1::bigint, $2::bigint, $3::bigint) AS s",
            [String(first), String(last), String(step), String(groups), String(payloadBytes)])
    }
}
