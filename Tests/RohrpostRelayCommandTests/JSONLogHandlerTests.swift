import Foundation
import Logging
import Synchronization
import Testing

@testable import rohrpost_relay

/// `--log-format json`: one JSON object per line, metadata as fields.
@Suite struct JSONLogHandlerTests {
    @Test func entryIsOneJSONLineWithMetadataAsFields() throws {
        let lines = Lines()
        var logger = Logger(label: "rohrpost-relay") { label in JSONLogHandler(label: label, write: lines.append) }
        logger[metadataKey: "client.id"] = "7"
        logger.warning("LISTEN connection lost", metadata: ["pg.channel": "rohrpost", "retry": ["after": "100ms"]])

        let line = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        #expect(line.last == "\n" && line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "rohrpost-relay")
        #expect(object["message"] as? String == "LISTEN connection lost")
        #expect(object["client.id"] as? String == "7")
        #expect(object["pg.channel"] as? String == "rohrpost")
        #expect((object["retry"] as? [String: Any])?["after"] as? String == "100ms")
        let timestamp = try #require(object["timestamp"] as? String)
        #expect(try Date(timestamp, strategy: .iso8601) <= Date.now)
    }

    @Test func entriesBelowTheLevelAreDropped() {
        let lines = Lines()
        var logger = Logger(label: "test") { label in JSONLogHandler(label: label, write: lines.append) }
        logger.logLevel = .notice
        logger.info("quiet")
        logger.error("loud")
        #expect(lines.all.count == 1)
    }

    @Test func metadataDoesNotHideTheMessage() throws {
        let lines = Lines()
        let logger = Logger(label: "test") { label in JSONLogHandler(label: label, write: lines.append) }
        logger.info("real \"quoted\" message", metadata: ["message": "imposter"])
        let line = try #require(lines.all.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "real \"quoted\" message")
        #expect(object["metadata.message"] as? String == "imposter")
    }
}

/// Lines a handler wrote, collected across threads.
private final class Lines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    @Sendable func append(_ bytes: [UInt8]) {
        lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) }
    }
}
