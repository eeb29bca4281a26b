import Foundation
import Logging
import RohrpostPostgres

/// Switches a database between trigger and logical capture, with writers running: checks
/// what logical replication needs, makes the replication slot before the switch (so no
/// commit after it is missed), and drops it after switching back.
public struct CaptureSwitch: Sendable {
    /// The capture modes.
    public enum Mode: String, Sendable, CaseIterable {
        /// Writers append stamped journal rows; the sequencer finds committed transactions
        /// by them and numbers them (works on any PostgreSQL).
        case trigger
        /// Positions from the replication stream (needs `wal_level = logical`).
        case logical
    }

    /// The database, as a libpq connection string or URL.
    public let connectionString: String
    /// How long a switch to trigger capture waits for the slot to catch up.
    public var catchUpTimeout: Duration = .seconds(60)

    private static let applicationName = "rohrpost-relay capture"

    /// A switch for the database at `connectionString`.
    public init(connectionString: String) {
        self.connectionString = connectionString
    }

    /// Switches to `mode`; returns the mode the database was in.
    @discardableResult
    public func switchTo(_ mode: Mode, logger: Logger) async throws -> Mode {
        try await PostgresSession.withConnection(connectionString: connectionString, applicationName: Self.applicationName) {
            connection in
            guard let slot = try CaptureSettings.read(connection)?.slot else {
                throw PostgresError(.unexpectedResult, "rohrpost.capture is missing or empty: run rohrpost-relay migrate")
            }
            switch mode {
            case .logical:
                try Self.checkLogicalReplication(connection)
                let exists = try connection.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", [slot])
                if exists.isEmpty {
                    _ = try connection.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [slot])
                    logger.info("made replication slot \(slot) for logical capture")
                }
            case .trigger:
                break
            }
            let seconds = Double(catchUpTimeout.components.seconds)
            let previous = try connection.query(
                "SELECT rohrpost.set_capture_mode($1, make_interval(secs => $2::double precision))",
                [mode.rawValue, String(seconds)]
            ).first?.first ?? nil
            if mode == .trigger { try Self.dropSlot(slot, connection, logger: logger) }
            return Mode(rawValue: previous ?? "") ?? .trigger
        }
    }

    /// Whether the database is in logical capture and this relay can take part: throws one
    /// line naming what logical replication lacks (wal_level, slots, WAL senders, the
    /// role's REPLICATION) when it is in logical capture and something is missing.
    public func checkTakingPart() async throws {
        try await PostgresSession.withConnection(connectionString: connectionString, applicationName: Self.applicationName) {
            connection in
            if try CaptureSettings.read(connection)?.mode == .logical { try Self.checkLogicalReplication(connection) }
        }
    }

    /// The database's capture mode; nil before migration 7 (no `rohrpost.capture`).
    public func currentMode() async throws -> Mode? {
        try await PostgresSession.withConnection(connectionString: connectionString, applicationName: Self.applicationName) {
            try CaptureSettings.read($0)?.mode
        }
    }

    /// Refuses with one line naming what logical replication lacks here.
    static func checkLogicalReplication(_ connection: PostgresConnection) throws {
        let rows = try connection.query(
            """
            SELECT current_setting('wal_level'), current_setting('max_replication_slots')::int,
                   current_setting('max_wal_senders')::int,
                   (SELECT r.rolreplication OR r.rolsuper FROM pg_roles r WHERE r.rolname = current_user)::text,
                   quote_ident(current_user)
            """)
        guard let row = rows.first else { return }
        if row[0] != "logical" {
            throw PostgresError(
                .queryFailed,
                "logical capture needs wal_level = logical (it is \(row[0] ?? "?")): ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL")
        }
        if (row[1].flatMap { Int($0) } ?? 0) < 1 {
            throw PostgresError(.queryFailed, "logical capture needs a replication slot: set max_replication_slots to 1 or more (it is 0)")
        }
        if (row[2].flatMap { Int($0) } ?? 0) < 1 {
            throw PostgresError(.queryFailed, "logical capture needs a WAL sender: set max_wal_senders to 1 or more (it is 0)")
        }
        if row[3] != "true" {
            throw PostgresError(
                .queryFailed, "logical capture needs a role with REPLICATION: ALTER ROLE \(row[4] ?? "...") REPLICATION, or connect as one that has it")
        }
    }

    /// Drops the slot once no relay streams it (relays let go within seconds of the
    /// switch), so it holds no WAL.
    private static func dropSlot(_ slot: String, _ connection: PostgresConnection, logger: Logger) throws {
        for _ in 0..<100 {
            let rows = try connection.query("SELECT active_pid::text FROM pg_replication_slots WHERE slot_name = $1", [slot])
            guard let row = rows.first else { return }
            if let pid = row[0] {
                _ = try connection.query("SELECT pg_terminate_backend($1::int)", [pid])
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            do {
                _ = try connection.query("SELECT pg_drop_replication_slot($1)", [slot])
                logger.info("dropped replication slot \(slot): trigger capture needs none")
                return
            } catch let error as PostgresError where error.sqlState == SQLState.objectInUse {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        throw PostgresError(.queryFailed, "replication slot \(slot) is still in use; drop it with SELECT pg_drop_replication_slot('\(slot)')")
    }
}
