import RohrpostPostgres

/// The watched table the load generator writes: one row change is one event for group
/// `bench-<grp>`.
enum BenchTable {
    /// (Re)creates and watches `bench_item`; the relay's migrations must be applied.
    static func install(connectionString: String) throws {
        let connection = try PostgresConnection(connectionString: connectionString, applicationName: "rohrpost-bench setup")
        try connection.execute(
            """
            DROP TABLE IF EXISTS public.bench_item;
            CREATE TABLE public.bench_item (
                id bigserial PRIMARY KEY,
                grp integer NOT NULL,
                seq bigint NOT NULL,
                written_at_us bigint NOT NULL
                    DEFAULT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,
                pad text NOT NULL DEFAULT ''
            );
            SELECT rohrpost.watch('public.bench_item', groups => ARRAY['bench-{grp}']);
            """)
    }

    /// Inserts `rows` rows (seq 0..<rows over `groups` groups) in one statement.
    static func fill(connectionString: String, rows: Int, groups: Int) throws {
        let connection = try PostgresConnection(connectionString: connectionString, applicationName: "rohrpost-bench setup")
        try connection.execute(
            "INSERT INTO bench_item (grp, seq) SELECT s % \(groups), s FROM generate_series(0, \(rows - 1)) AS s")
    }

    /// One UPDATE of every row, restamping `written_at_us`; returns when it has committed.
    static func updateAll(connectionString: String) throws -> Int {
        let connection = try PostgresConnection(connectionString: connectionString, applicationName: "rohrpost-bench writer")
        let rows = try connection.query(
            "WITH changed AS (UPDATE bench_item SET written_at_us = (extract(epoch FROM clock_timestamp()) * 1000000)::bigint RETURNING 1) SELECT count(*) FROM changed")
        return Int(rows.first?.first.flatMap { $0 } ?? "0") ?? 0
    }
}
