import Foundation
import RohrpostPostgres

/// Samples the replication slot's lag for `/readyz`, `/metrics` and `/status`, every
/// `statusInterval` while the database is in logical capture, whichever replica holds the
/// sequencer role.
struct SlotLagSampler: Sendable {
    let configuration: CaptureConfiguration
    let pool: QueryPool
    let status: CaptureStatus

    /// Runs until cancelled.
    func run() async {
        while !Task.isCancelled {
            guard status.reading.mode == .logical else {
                status.sampled(confirmed: nil, lagBytes: 0)
                try? await Task.sleep(for: configuration.statusInterval)
                continue
            }
            let rows = try? await pool.run { connection in
                try connection.query(
                    """
                    SELECT s.confirmed_flush_lsn::text,
                           pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), s.confirmed_flush_lsn)::bigint
                    FROM pg_catalog.pg_replication_slots s
                    WHERE s.slot_name = (SELECT c.slot_name FROM rohrpost.capture c WHERE c.mode = 'logical')
                    """)
            }
            if let row = rows?.first {
                status.sampled(confirmed: row[0], lagBytes: row[1].flatMap { Int64($0) } ?? 0)
            } else {
                status.sampled(confirmed: nil, lagBytes: 0)
            }
            try? await Task.sleep(for: configuration.statusInterval)
        }
    }

}
