import ArgumentParser
import Foundation
import RohrpostRelay

/// Options of the event journal, for `serve` and `demo`.
struct JournalOptions: ParsableArguments {
    @Option(help: "How long events stay resumable (e.g. 90s, 30m, 24h, 7d); older ones are pruned. (default: 24h; env: ROHRPOST_RETENTION)")
    var retention: String?

    @Option(help: "Newest events kept however old they are. (default: 0; env: ROHRPOST_RETENTION_MIN_EVENTS)")
    var retentionMinEvents: Int?

    @Option(help: "How often to prune the journal (e.g. 60s); 0 never prunes. (default: 60s; env: ROHRPOST_PRUNE_INTERVAL)")
    var pruneInterval: String?

    @Option(help: "Most events one resuming subscribe is sent; past it the reply says recovered: false. (default: 10000; env: ROHRPOST_MAX_RESUME_EVENTS)")
    var maxResumeEvents: Int?

    /// The journal configuration these options and the environment describe.
    func configuration(_ environment: OptionEnvironment = OptionEnvironment()) throws -> JournalConfiguration {
        var configuration = JournalConfiguration()
        if let retention = try environment.duration(retention, "retention") {
            configuration.retention = retention
        }
        if let minimum = try environment.integer(retentionMinEvents, "retention-min-events", atLeast: 0) {
            configuration.minimumEvents = minimum
        }
        if let interval = try environment.duration(pruneInterval, "prune-interval") {
            configuration.pruneInterval = interval == .zero ? nil : interval
        }
        if let maxResumeEvents = try environment.integer(maxResumeEvents, "max-resume-events", atLeast: 0) {
            configuration.maximumResumeEvents = maxResumeEvents
        }
        return configuration
    }

    /// Reads `90s`, `30m`, `24h`, `7d`, or a plain number of seconds.
    static func duration(_ text: String, option: String) throws -> Duration {
        guard let duration = OptionEnvironment.duration(text) else {
            throw StartupError("\(option): '\(text)' is not a duration such as 90s, 30m, 24h or 7d")
        }
        return duration
    }
}
