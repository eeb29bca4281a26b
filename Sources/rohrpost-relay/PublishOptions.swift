import ArgumentParser
import RohrpostAuth
import RohrpostRelay

/// `serve`'s options for `POST /publish`, the HTTP way to send messages to groups.
struct PublishOptions: ParsableArguments {
    @Option(help: "Serve POST at this path (e.g. /publish): services send {\"group\"|\"groups\", \"type\", \"object\"} with a bearer JWT whose publish claim lists the groups they may send to. (default: off; env: ROHRPOST_PUBLISH_PATH)")
    var publishPath: String?

    @Option(help: "The largest publish body in bytes; larger ones get HTTP 413. (default: 1048576; env: ROHRPOST_PUBLISH_MAX_BODY_SIZE)")
    var publishMaxBodySize: Int?

    /// The publish endpoint these options describe, checked with `verifier`; nil when off.
    func configuration(
        verifier: (@Sendable () -> TokenVerifier)?, _ environment: OptionEnvironment = OptionEnvironment()
    ) throws -> PublishConfiguration? {
        guard let path = try environment.value(publishPath, "publish-path") else { return nil }
        guard path.hasPrefix("/") else { throw environment.invalid("publish-path", "'\(path)' must start with '/'") }
        guard let verifier else {
            throw environment.invalid(
                "publish-path", "needs JWT keys: publishers send a token whose publish claim lists the groups they may send to")
        }
        var configuration = PublishConfiguration(verifier: verifier)
        configuration.path = path
        if let size = try environment.integer(publishMaxBodySize, "publish-max-body-size", atLeast: 1) {
            configuration.maximumBodySize = size
        }
        return configuration
    }
}
