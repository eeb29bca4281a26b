import ArgumentParser
import Logging
import RohrpostPostgres
import RohrpostRelay

/// `serve`'s options for logical capture.
struct CaptureOptions: ParsableArguments {
    @Option(help: "logical: switch the database to logical capture at start-up (checked first: wal_level, slots, REPLICATION); trigger: refuse to start if it is in logical capture. Every relay takes part in whichever mode the database is in. (default: the database's mode; env: ROHRPOST_CAPTURE)")
    var capture: String?

    @Option(help: "In logical capture, /readyz fails while the replication slot is further behind than this (e.g. 30s). (default: 30s; env: ROHRPOST_MAX_CAPTURE_LAG)")
    var maxCaptureLag: String?

    @Option(help: "How long the sequencer gathers commits before it numbers them, in both capture modes (trigger: how often it looks while commits flow; logical: how long it reads on after a transaction arrived). Longer: fewer numbering commits, each a WAL flush, and fewer journal reads per replica; shorter: events reach clients sooner. (default: 2ms; env: ROHRPOST_CAPTURE_BATCH_WINDOW)")
    var captureBatchWindow: String?

    /// The capture settings of the relay.
    func configuration(_ environment: OptionEnvironment = OptionEnvironment()) throws -> CaptureConfiguration {
        var configuration = CaptureConfiguration()
        if let lag = try environment.duration(maxCaptureLag, "max-capture-lag", allowsZero: false) {
            configuration.maximumLag = lag
        }
        if let window = try environment.duration(captureBatchWindow, "capture-batch-window", allowsZero: false) {
            configuration.batchWindow = window
        }
        return configuration
    }

    /// Carries out `--capture` before the relay starts; without it, checks that this relay
    /// can take part when the database is in logical capture.
    func prepare(databaseURL: String, logger: Logger, _ environment: OptionEnvironment = OptionEnvironment()) async throws {
        guard let text = try environment.value(capture, "capture") else {
            // A database in logical capture needs every relay able to hold its slot.
            // Only what the check itself found (no SQLSTATE: its own words) is about logical
            // capture; a connection that fails (a wrong DATABASE_URL) or a server error is
            // explained as such by the command's error line.
            do {
                try await CaptureSwitch(connectionString: databaseURL).checkTakingPart()
            } catch let error as PostgresError where error.code == .queryFailed && error.sqlState == nil {
                throw StartupError("the database is in logical capture, but \(error.message)")
            }
            return
        }
        guard let mode = CaptureSwitch.Mode(rawValue: text.lowercased()) else {
            throw environment.invalid("capture", "'\(text)' is neither logical nor trigger")
        }
        do {
            switch mode {
            case .logical:
                let previous = try await CaptureSwitch(connectionString: databaseURL).switchTo(.logical, logger: logger)
                if previous != .logical { logger.notice("switched the database to logical capture") }
            case .trigger:
                if try await CaptureSwitch(connectionString: databaseURL).currentMode() == .logical {
                    throw StartupError(
                        "--capture trigger: the database is in logical capture; switch it back with `rohrpost-relay capture trigger` while a relay runs")
                }
            }
        } catch let error as PostgresError {
            throw StartupError("--capture \(mode.rawValue): \(DatabaseFailure.line(error))")
        }
    }
}
