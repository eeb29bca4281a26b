import RohrpostPostgres

/// What `rohrpost.capture` says: the database's capture mode and its replication slot.
struct CaptureSettings: Sendable, Hashable {
    var mode: CaptureSwitch.Mode
    var slot: String

    /// Reads them; nil before migration 7 (no `rohrpost.capture`), or when it is empty.
    static func read(_ connection: PostgresConnection) throws -> CaptureSettings? {
        guard try connection.query("SELECT pg_catalog.to_regclass('rohrpost.capture') IS NOT NULL").first?.first == "t",
            let row = try connection.query("SELECT mode, slot_name FROM rohrpost.capture").first,
            let mode = row[0].flatMap(CaptureSwitch.Mode.init(rawValue:)), let slot = row[1]
        else { return nil }
        return CaptureSettings(mode: mode, slot: slot)
    }
}
