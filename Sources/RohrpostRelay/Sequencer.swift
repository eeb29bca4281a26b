import Logging
import RohrpostPostgres

/// The sequencer role: one relay replica at a time numbers committed transactions, and the
/// others stand by to take over. The role is a session-level advisory lock held on the
/// sequencer's own connection, so it passes on within `takeoverInterval` once its holder's
/// connection closes (the relay stopped, was killed, or its backend was terminated).
///
/// What the holder numbers comes from one of two sources, by the database's capture mode:
/// - trigger capture: `JournalScan` polls for committed transactions with journal rows;
/// - logical capture: `ReplicationStream` reads commits from the replication slot.
/// Both record positions the same way (one `commits` row per transaction, one NOTIFY per
/// batch), after the transactions are visible; readers never know which source ran.
struct Sequencer: Sendable {
    let connectionString: String
    let configuration: CaptureConfiguration
    let pool: QueryPool
    let status: CaptureStatus
    let logger: Logger

    /// The advisory lock that is the role (per database, as advisory locks are).
    static let roleLock = "7248310561000002"

    /// Runs until cancelled: holds the role when it can, stands by otherwise.
    func run() async {
        var lastProblem: String?
        while !Task.isCancelled {
            do {
                let session = try await PostgresSession.connect(
                    connectionString: connectionString, applicationName: "rohrpost-relay sequencer")
                while !Task.isCancelled {
                    let settings = try await readSettings(session)
                    if try await session.query("SELECT pg_catalog.pg_try_advisory_lock($1::bigint)", [Self.roleLock]).first?.first == "t" {
                        status.holdingChanged(true)
                        logger.info("holding the sequencer role")
                        lastProblem = nil
                        defer { status.holdingChanged(false) }
                        try await hold(session, settings)
                    }
                    try await Task.sleep(for: configuration.takeoverInterval)
                }
            } catch is CancellationError {
                break
            } catch {
                // One line per new problem, not one per retry.
                let problem = "\(error)"
                if problem != lastProblem {
                    logger.warning("sequencer: \(problem); retrying")
                    lastProblem = problem
                }
                try? await Task.sleep(for: configuration.takeoverInterval)
            }
        }
        status.holdingChanged(false)
    }

    /// Numbers commits from the source the mode names, switching sources when it changes;
    /// returns only when cancelled, throws when the session fails.
    private func hold(_ session: PostgresSession, _ initial: CaptureSettings?) async throws {
        var settings = initial
        let scan = JournalScan(configuration: configuration, logger: logger)
        while !Task.isCancelled {
            switch settings {
            case nil:
                // Not migrated yet (no rohrpost.capture): look again later.
                try await Task.sleep(for: configuration.modeCheckInterval)
            case let current? where current.mode == .trigger:
                try await scan.run(session)
            case let current?:
                // Trigger capture's last transactions before the switch (some committed before
                // the slot existed, so the stream never brings them): number them first.
                try await scan.drain(session)
                do {
                    try await ReplicationStream(
                        connectionString: connectionString, configuration: configuration, pool: pool, logger: logger
                    ).run(current, session: session)
                } catch ReplicationStream.Stop.slotTaken {
                    try await Task.sleep(for: configuration.takeoverInterval)
                }
            }
            settings = try await readSettings(session)
        }
    }

    /// The mode and slot name, recorded for `/status`; nil before migration 7.
    private func readSettings(_ session: PostgresSession) async throws -> CaptureSettings? {
        let settings = try await session.withConnection { try CaptureSettings.read($0) }
        status.modeRead(settings?.mode)
        return settings
    }
}
