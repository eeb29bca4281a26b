import Foundation
import Logging
import RohrpostProtocol

/// A swift-log handler that writes one JSON object per line to standard error: `timestamp`
/// (ISO 8601, UTC), `level`, `label`, `message`, then each metadata key as a field, for log
/// collectors that index fields (Loki, Elasticsearch, CloudWatch).
struct JSONLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable ([UInt8]) -> Void

    /// Writes to standard error.
    init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.init(label: label, metadataProvider: metadataProvider) { line in
            FileHandle.standardError.write(Data(line))
        }
    }

    /// Hands each line, newline included, to `write` (tests collect them).
    init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let explicit = event.metadata { fields.merge(explicit) { _, new in new } }
        var members: [JSONValue.Member] = [
            .init(key: "timestamp", value: .string(Date.now.formatted(Self.timestampStyle))),
            .init(key: "level", value: .string(event.level.rawValue)),
            .init(key: "label", value: .string(label)),
            .init(key: "message", value: .string(event.message.description)),
        ]
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            // A metadata key never hides one of the four fields above.
            let name = Self.reservedKeys.contains(key) ? "metadata.\(key)" : key
            members.append(.init(key: name, value: Self.json(value)))
        }
        var line = JSONValue.object(members).encoded()
        line.append(UInt8(ascii: "\n"))
        write(line)
    }

    private static let reservedKeys: Set<String> = ["timestamp", "level", "label", "message"]

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let entries):
            .object(entries.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: json($0.value)) })
        }
    }
}
