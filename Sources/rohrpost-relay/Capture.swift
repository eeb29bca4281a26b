import ArgumentParser
import RohrpostRelay

/// `rohrpost-relay capture logical|trigger`: switches the database's capture mode.
struct Capture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Switch how row changes are captured: logical (replication slot; writers take no lock) or trigger (the default).",
        discussion: """
            Safe with writers and relays running. To logical, checks wal_level, max_replication_slots, \
            max_wal_senders and the role's REPLICATION, and makes the replication slot first. To trigger, \
            waits (up to --catch-up-timeout) until the relay holding the slot has numbered every transaction, \
            then drops the slot.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: "logical or trigger")
    var mode: String

    @Option(help: "How long a switch to trigger waits for the relays to catch up (e.g. 60s). (default: 60s)")
    var catchUpTimeout: String?

    func run() async throws {
        let logger = try common.bootstrapLogging()
        guard let target = CaptureSwitch.Mode(rawValue: mode) else {
            throw StartupError("capture: '\(mode)' is neither logical nor trigger")
        }
        let databaseURL = try common.resolvedDatabaseURL()
        try await SchemaCheck.requireMigrated(databaseURL: databaseURL, logger: logger)
        var captureSwitch = CaptureSwitch(connectionString: databaseURL)
        if let timeout = try OptionEnvironment().duration(catchUpTimeout, "catch-up-timeout", allowsZero: false) {
            captureSwitch.catchUpTimeout = timeout
        }
        let previous = try await captureSwitch.switchTo(target, logger: logger)
        say(previous == target ? "Capture was \(target.rawValue) already." : "Capture is \(target.rawValue) now (was \(previous.rawValue)).")
    }
}
