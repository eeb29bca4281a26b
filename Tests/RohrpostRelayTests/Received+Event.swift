import Foundation
import RelayTestSupport
import Testing

/// A `subscription-update` as a client sees it, with the object's raw JSON text kept, so
/// tests can check digits and key order exactly.
struct ReceivedEvent: CustomStringConvertible {
    let id: Int64
    let kind: String
    let group: String
    let object: [String: Any]
    let objectText: String
    let text: String

    var description: String { text }

    init(text: String) throws {
        self.text = text
        guard let message = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            message["type"] as? String == "subscription-update",
            let id = (message["id"] as? NSNumber)?.int64Value,
            let data = message["data"] as? [String: Any],
            let kind = data["type"] as? String, let group = data["group"] as? String,
            let object = data["object"] as? [String: Any],
            let start = text.range(of: #""object":"#), text.hasSuffix("}}")
        else {
            throw LiveRelayError("not a subscription-update: \(text)")
        }
        self.id = id
        self.kind = kind
        self.group = group
        self.object = object
        self.objectText = String(text[start.upperBound..<text.index(text.endIndex, offsetBy: -2)])
    }

    /// The object's `updated_fields`, if any.
    var updatedFields: [String]? { object["updated_fields"] as? [String] }
}

extension Array where Element == ReceivedEvent {
    /// Whether every event's id is larger than the one before it.
    var idsIncrease: Bool { zip(self, dropFirst()).allSatisfy { $0.id < $1.id } }
    /// Whether the ids run without a gap: n, n + 1, n + 2, ...
    var idsAreConsecutive: Bool { zip(self, dropFirst()).allSatisfy { $0.id + 1 == $1.id } }
}

extension WebSocketTestClient {
    /// The next message, which must be a `subscription-update`.
    func receiveEvent(timeout: Duration = .seconds(15)) async throws -> ReceivedEvent {
        let received = try await receive(timeout: timeout)
        guard case .text(let text) = received else { throw LiveRelayError("expected an event, got \(received)") }
        return try ReceivedEvent(text: text)
    }

    /// The next `count` events.
    func receiveEvents(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [ReceivedEvent] {
        var events: [ReceivedEvent] = []
        for _ in 0..<count { events.append(try await receiveEvent(timeout: timeout)) }
        return events
    }

    /// Sends `text` and returns the reply's raw text.
    func request(_ text: String) async throws -> String {
        try await send(text: text)
        let received = try await receive()
        guard case .text(let reply) = received else { throw LiveRelayError("expected a reply, got \(received)") }
        return reply
    }
}
