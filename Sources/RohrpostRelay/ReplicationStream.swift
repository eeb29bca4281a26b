import Foundation
import Logging
import RohrpostPostgres

/// The sequencer's source in logical capture: streams the journal's inserts from the
/// database's replication slot (pgoutput) and numbers each batch of committed transactions
/// with `rohrpost.record_logical_commits`, in WAL commit order, before it confirms them to
/// the slot.
struct ReplicationStream: Sendable {
    let connectionString: String
    let configuration: CaptureConfiguration
    let pool: QueryPool
    let logger: Logger

    /// The publication 0007_logical_capture.sql makes: the journal's inserts.
    static let publication = "rohrpost_journal"

    /// Why streaming stopped without a failure.
    enum Stop: Error {
        /// Another session streams the slot (a replica of an older version, or the last
        /// holder's WAL sender, which PostgreSQL has not ended yet).
        case slotTaken
    }

    /// Streams the slot until the database leaves logical capture (then returns), or the
    /// stream or `session` fails (then throws). `session` holds the sequencer role.
    func run(_ settings: CaptureSettings, session: PostgresSession) async throws {
        let replication = try await ReplicationConnection.connect(
            connectionString: connectionString, applicationName: "rohrpost-relay capture")
        try await start(replication, settings)
        logger.info("logical capture: streaming replication slot \(settings.slot)")

        var assembler = ReplicationTransactionAssembler()
        var slot = SlotConfirmation()
        var lastFlushCheck = ContinuousClock.now
        var sentConfirmed = LSN.invalid
        var lastStatus = ContinuousClock.now
        var checkedMode = ContinuousClock.now
        while !Task.isCancelled {
            var batch: [StreamedCommit] = []
            var serverPosition: LSN?
            var replyRequested = false
            // Commits arriving within the window after the first share one numbering commit.
            let messages = try await replication.read(
                upTo: 5_000, timeout: .milliseconds(100), window: configuration.batchWindow)
            for message in messages {
                switch message {
                case .xLogData(let data):
                    if let committed = try assembler.feed(PgOutputMessage(decoding: data.payload)) {
                        // A transaction of other tables (there are none in the publication) has
                        // nothing to number, but its end may still be confirmed.
                        if let commit = StreamedCommit(committed) {
                            batch.append(commit)
                        } else {
                            logger.debug(
                                "logical capture: a transaction without journal rows",
                                metadata: ["capture.xid": "\(committed.xid)", "capture.relations": "\(committed.inserts.map(\.relation))", "capture.end": "\(committed.endLSN)"])
                            serverPosition = committed.endLSN
                        }
                    }
                case .primaryKeepalive(let keepalive):
                    serverPosition = keepalive.walEnd
                    replyRequested = replyRequested || keepalive.replyRequested
                }
            }
            if !batch.isEmpty {
                let numbering = try await record(batch)
                slot.numbered(by: numbering, through: batch[batch.count - 1].endLSN)
                logger.debug(
                    "logical capture: numbered \(batch.count) transactions",
                    metadata: ["capture.xids": "\(batch.map(\.xid).joined(separator: ","))", "capture.numbering": "\(numbering)"])
            }
            let now = ContinuousClock.now
            if slot.awaitsFlush, now - lastFlushCheck >= configuration.flushCheckInterval {
                lastFlushCheck = now
                slot.flushed(upTo: try await flushPosition())
            }
            if let serverPosition { slot.serverReached(serverPosition, idle: assembler.state == .idle) }
            if slot.confirmed > sentConfirmed || replyRequested || now - lastStatus >= configuration.statusInterval {
                try await replication.sendStatus(
                    flushed: slot.confirmed, replyRequested: now - lastStatus >= configuration.statusInterval)
                sentConfirmed = slot.confirmed
                lastStatus = now
            }
            if now - checkedMode >= configuration.modeCheckInterval {
                checkedMode = now
                if try await session.withConnection({ try CaptureSettings.read($0) })?.mode != .logical { return }
            }
        }
    }

    /// Starts streaming; makes the slot anew when it is missing or was invalidated, and
    /// marks the gap that leaves.
    private func start(_ replication: ReplicationConnection, _ settings: CaptureSettings) async throws {
        do {
            try await replication.startReplication(slot: settings.slot, from: .invalid, publication: Self.publication)
            return
        } catch let error as PostgresError {
            if error.sqlState == SQLState.objectInUse { throw Stop.slotTaken }
            // Missing, or invalidated (wal_status 'lost'): PostgreSQL's words differ by version.
            let state = try await pool.run { connection in
                try connection.query("SELECT wal_status FROM pg_catalog.pg_replication_slots WHERE slot_name = $1", [settings.slot])
            }
            let missing = state.isEmpty
            let lost = state.first?.first == "lost"
            guard missing || lost else { throw error }
            logger.error(
                "logical capture: replication slot \(settings.slot) \(missing ? "is missing" : "was invalidated (max_slot_wal_keep_size)"); making it anew: transactions committed meanwhile are lost, and clients resuming across the gap get recovered: false")
            if lost { try await replication.dropSlot(settings.slot) }
        }
        _ = try await replication.createSlot(settings.slot, temporary: false)
        _ = try await pool.run { connection in try connection.query("SELECT rohrpost.mark_capture_gap()") }
        try await replication.startReplication(slot: settings.slot, from: .invalid, publication: Self.publication)
    }

    /// How far PostgreSQL has flushed its WAL.
    private func flushPosition() async throws -> LSN {
        let rows = try await pool.run { connection in try connection.query("SELECT pg_catalog.pg_current_wal_flush_lsn()::text") }
        return rows.first?.first?.flatMap { LSN($0) } ?? .invalid
    }

    /// Numbers `batch` in one transaction: one commit (not waiting for its flush), at most
    /// one NOTIFY. Returns a WAL position at or past that commit.
    private func record(_ batch: [StreamedCommit]) async throws -> LSN {
        let xids = "{" + batch.map(\.xid).joined(separator: ",") + "}"
        let counts = "{" + batch.map { String($0.eventCount) }.joined(separator: ",") + "}"
        let lsns = "{" + batch.map { $0.commitLSN.description }.joined(separator: ",") + "}"
        // Commit times as the stream sends them, microseconds since 2000-01-01 UTC: exact,
        // and without formatting a floating-point number per commit.
        let times = "{" + batch.map { String($0.committedAt.microsecondsSince2000) }.joined(separator: ",") + "}"
        return try await pool.run { connection -> String? in
            _ = try connection.query(
                """
                SELECT * FROM rohrpost.record_logical_commits($1::xid8[], $2::integer[], $3::pg_lsn[],
                    ARRAY(SELECT '2000-01-01 00:00:00+00'::pg_catalog.timestamptz + u.m * '1 microsecond'::pg_catalog.interval
                          FROM unnest($4::bigint[]) WITH ORDINALITY u(m, i) ORDER BY u.i))
                """, [xids, counts, lsns, times])
            return try connection.query("SELECT pg_catalog.pg_current_wal_insert_lsn()::text").first?.first ?? nil
        }.flatMap { LSN($0) } ?? .invalid
    }
}
