import ArgumentParser
import Foundation
import RohrpostRelay

/// Options of the event journal, for `serve` and `demo`.
struct JournalOptions: ParsableArguments {
    @Option(help: "How long events stay resumable (e.g. 90s, 30m, 24h, 7d); older ones are pruned. Defaults to $ROHRPOST_RETENTION or 24h.")
    var retention: String?

    @Option(help: "How often to prune the journal (e.g. 60s); 0 never prunes. Defaults to 60s.")
    var pruneInterval: String?

    @Option(help: "Most events one resuming subscribe is sent; past it the reply says recovered: false. Defaults to 10000.")
    var maxResumeEvents: Int?

    /// The journal configuration these options and the environment describe.
    func configuration() throws -> JournalConfiguration {
        var configuration = JournalConfiguration()
        if let text = retention ?? ProcessInfo.processInfo.environment["ROHRPOST_RETENTION"] {
            configuration.retention = try Self.duration(text, option: "--retention")
        }
        if let pruneInterval {
            let interval = try Self.duration(pruneInterval, option: "--prune-interval")
            configuration.pruneInterval = interval == .zero ? nil : interval
        }
        if let maxResumeEvents {
            guard maxResumeEvents >= 0 else { throw ValidationError("--max-resume-events: must not be negative") }
            configuration.maximumResumeEvents = maxResumeEvents
        }
        return configuration
    }

    /// Reads `90s`, `30m`, `24h`, `7d`, or a plain number of seconds.
    static func duration(_ text: String, option: String) throws -> Duration {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        let unit = text.last.flatMap { units[$0] }
        let number = unit == nil ? Substring(text) : text.dropLast()
        guard let value = Int64(number), value >= 0 else {
            throw ValidationError("\(option): '\(text)' is not a duration such as 90s, 30m, 24h or 7d")
        }
        return .seconds(value * (unit ?? 1))
    }
}
