import Logging

/// A log handler that passes each entry on to another with its message, metadata and
/// error run through the process's `SecretRedactor`: no password, JWT secret or token
/// reaches a log line at any level, whoever logged it (swift-service-lifecycle describes
/// services at debug level with every property, the connection string too).
struct RedactingLogHandler: LogHandler {
    private var wrapped: any LogHandler
    private let redactor: @Sendable () -> SecretRedactor

    /// Wraps `wrapped`, redacting with what `redactor` returns at each entry (secrets are
    /// learned while options are read, after logging is set up).
    init(wrapping wrapped: any LogHandler, redactor: @escaping @Sendable () -> SecretRedactor = {
        SecretRedactor.process.withLock { $0 }
    }) {
        self.wrapped = wrapped
        self.redactor = redactor
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue.mapValues { Self.redact($0, redactor()) } }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue.map { Self.redact($0, redactor()) } }
    }

    func log(event: LogEvent) {
        let redactor = redactor()
        var event = event
        event.message = "\(redactor.redact(event.message.description))"
        event.metadata = event.metadata?.mapValues { Self.redact($0, redactor) }
        if let error = event.error { event.error = RedactedError(description: redactor.redact("\(error)")) }
        wrapped.log(event: event)
    }

    private static func redact(_ value: Logger.Metadata.Value, _ redactor: SecretRedactor) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(redactor.redact(text))
        case .stringConvertible(let convertible): .string(redactor.redact(convertible.description))
        case .array(let values): .array(values.map { redact($0, redactor) })
        case .dictionary(let entries): .dictionary(entries.mapValues { redact($0, redactor) })
        }
    }
}

/// An error as its redacted description, for a log entry.
struct RedactedError: Error, CustomStringConvertible {
    let description: String
}
