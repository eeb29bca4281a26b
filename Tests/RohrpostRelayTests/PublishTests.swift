import Foundation
import JWTKit
import Prometheus
import RelayTestSupport
import RohrpostAuth
import RohrpostRelay
import Testing

private let publishSecret = String(repeating: "p", count: 48)

private struct PublisherClaims: JWTPayload {
    var sub: SubjectClaim = "billing-service"
    var exp: ExpirationClaim
    var publish: [String]?
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// A token for a service that may publish to `publish`, valid `expiresIn` seconds.
private func publisherToken(_ publish: [String]?, expiresIn: TimeInterval = 600) async throws -> String {
    let claims = PublisherClaims(exp: .init(value: Date().addingTimeInterval(expiresIn)), publish: publish)
    return try await JWTKeyCollection().add(hmac: HMACKey(from: publishSecret), digestAlgorithm: .sha256).sign(claims)
}

/// `POST /publish`: services without a database connection send messages through
/// `rohrpost.send`, authenticated by a token's `publish` claim.
@Suite struct PublishTests {
    private static func withPublishing(
        maximumBodySize: Int = 1024 * 1024, capture: CaptureSwitch.Mode = .trigger, _ body: (LiveRelay) async throws -> Void
    ) async throws {
        let keys = try await KeyStore(sources: KeySources(hmacSecret: publishSecret))
        try await LiveRelay.with(capture: capture, configure: { configuration in
            var publish = PublishConfiguration(verifier: { TokenVerifier(keys: keys.keys) })
            publish.maximumBodySize = maximumBodySize
            configuration.publish = publish
        }, setUp: todoTable, body)
    }

    private static func post(_ live: LiveRelay, _ body: String, token: String?) async throws -> PlainHTTP.Response {
        try await PlainHTTP.post(
            "/publish", body: body, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [], port: live.port)
    }

    @Test func publishRightAfterTheQueryConnectionsWereTerminatedIsSentOnce() async throws {
        try await Self.withPublishing { live in
            let client = try await live.subscriber(#"{"type": "user", "id": 7}"#)
            let token = try await publisherToken(["user-*"])
            let message = #"{"groups": ["user-7"], "type": "note", "object": {"n": 1}}"#
            #expect(try await Self.post(live, message, token: token).status == 200)
            _ = try await client.receiveEvent()
            _ = try live.database.query("""
                SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'rohrpost-relay query'
                """)
            let response = try await Self.post(live, message, token: token)
            #expect(response.status == 200, "\(response.body)")
            let answer = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
            let id = try #require((answer?["id"] as? NSNumber)?.int64Value)
            #expect(try await client.receiveEvent().id == id)
            try await client.expectNothing(for: .milliseconds(300))
            #expect(try live.database.query("SELECT count(*) FROM rohrpost.journal").first?.first == "2", "sent once each")
        }
    }

    @Test(arguments: CaptureSwitch.Mode.allCases) func aValidTokenPublishesAndGetsTheEventsId(capture: CaptureSwitch.Mode) async throws {
        try await Self.withPublishing(capture: capture) { live in
            let client = try await live.subscriber(#"{"type": "user", "id": 7}"#, #"{"type": "admins"}"#)
            let token = try await publisherToken(["user-*", "admins"])
            let response = try await Self.post(
                live, #"{"groups": ["user-7", "admins"], "type": "invoice-paid", "object": {"invoice": 12, "amount": "9.90"}}"#,
                token: token)
            #expect(response.status == 200)
            let answer = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
            let id = try #require((answer?["id"] as? NSNumber)?.int64Value)
            let events = try await client.receiveEvents(2)
            #expect(events.map(\.id) == [id, id])
            #expect(Set(events.map(\.group)) == ["user-7", "admins"])
            #expect(events[0].kind == "invoice-paid")
            // The object passes through jsonb: its keys come in jsonb's order.
            #expect(events[0].object["invoice"] as? Int == 12 && events[0].object["amount"] as? String == "9.90")
            // In order with row changes: the next row change comes after it.
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'after')")
            let row = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'later')")
            #expect(try await row.receiveEvent().id > id)
        }
    }

    @Test func missingExpiredAndWrongGroupTokensAreRefused() async throws {
        try await Self.withPublishing { live in
            let client = try await live.subscriber(#"{"type": "user", "id": 7}"#)
            let message = #"{"group": "user-7", "type": "note", "object": null}"#
            let cases: [(String?, Int, String)] = [
                (nil, 401, "a bearer token is required: Authorization: Bearer <JWT>"),
                ("not-a-jwt", 401, "the token is not accepted: malformed token"),
                (try await publisherToken(["user-*"], expiresIn: -60), 401, "the token is not accepted: token expired"),
                (try await publisherToken(["admins"]), 403, "the token's 'publish' claim does not allow group 'user-7'"),
                (try await publisherToken(nil), 403, "the token has no 'publish' claim listing the groups it may publish to"),
            ]
            for (token, status, error) in cases {
                let response = try await Self.post(live, message, token: token)
                #expect(response.status == status, "\(error)")
                #expect(response.body == #"{"error":"\#(error)"}"# + "\n")
            }
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test func malformedBodiesGetA400ThatSaysWhy() async throws {
        try await Self.withPublishing { live in
            let token = try await publisherToken(["*"])
            let cases = [
                (#"{"group": "g", "type": "t", "object": "#, "the body is not JSON: "),
                (#"["g"]"#, "the body must be a JSON object"),
                (#"{"type": "t", "object": 1}"#, "'group' or 'groups' is required"),
                (#"{"group": "g", "groups": ["h"], "type": "t", "object": 1}"#, "give either 'group' or 'groups', not both"),
                (#"{"groups": [], "type": "t", "object": 1}"#, "'groups' must be a non-empty array of non-empty strings"),
                (#"{"group": "g", "type": "", "object": 1}"#, "'type' must be a non-empty string"),
                (#"{"group": "g", "type": "t"}"#, "'object' is required (it may be null)"),
            ]
            for (body, error) in cases {
                let response = try await Self.post(live, body, token: token)
                #expect(response.status == 400, "\(body)")
                #expect(response.body.hasPrefix(#"{"error":"\#(error)"#), "\(body): \(response.body)")
            }
        }
    }

    @Test func anOversizedBodyIs413AndOtherMethodsAre405() async throws {
        try await Self.withPublishing(maximumBodySize: 1000) { live in
            let token = try await publisherToken(["*"])
            let big = #"{"group": "g", "type": "t", "object": "\#(String(repeating: "x", count: 2000))"}"#
            let response = try await Self.post(live, big, token: token)
            #expect(response.status == 413)
            #expect(response.body == #"{"error":"the body is larger than 1000 bytes"}"# + "\n")
            #expect(try await PlainHTTP.get("/publish", port: live.port).status == 405)
            // The relay goes on serving.
            let ok = try await Self.post(live, #"{"group": "g", "type": "t", "object": 1}"#, token: token)
            #expect(ok.status == 200)
        }
    }

    @Test func aOneMebibyteObjectIsPublishedWhole() async throws {
        try await Self.withPublishing(maximumBodySize: 2 * 1024 * 1024) { live in
            let client = try await live.subscriber(#"{"type": "report"}"#)
            let text = String(repeating: "y", count: 1024 * 1024)
            let response = try await Self.post(
                live, #"{"group": "report", "type": "ready", "object": {"text": "\#(text)"}}"#,
                token: try await publisherToken(["report"]))
            #expect(response.status == 200)
            #expect((try await client.receiveEvent().object["text"] as? String)?.count == text.count)
        }
    }

    @Test func publishingIsCountedInMetricsByStatus() async throws {
        let registry = PrometheusCollectorRegistry()
        let keys = try await KeyStore(sources: KeySources(hmacSecret: publishSecret))
        try await LiveRelay.with(configure: { configuration in
            configuration.publish = PublishConfiguration(verifier: { TokenVerifier(keys: keys.keys) })
            configuration.metrics = MetricsExport(factory: PrometheusMetricsFactory(registry: registry), text: { registry.emitToString() })
        }, setUp: todoTable) { live in
            let token = try await publisherToken(["*"])
            for _ in 1...2 { _ = try await Self.post(live, #"{"group": "g", "type": "t", "object": 1}"#, token: token) }
            _ = try await Self.post(live, #"{"group": "g", "type": "t", "object": 1}"#, token: nil)
            let metrics = try await PlainHTTP.get("/metrics", port: live.port).body
            #expect(PrometheusText.value(of: #"rohrpost_publish_requests_total{status="200"}"#, in: metrics) == 2)
            #expect(PrometheusText.value(of: #"rohrpost_publish_requests_total{status="401"}"#, in: metrics) == 1)
        }
    }
}
