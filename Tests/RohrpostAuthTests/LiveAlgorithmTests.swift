import Foundation
import JWTKit
import Logging
import RelayTestSupport
import RohrpostAuth
import RohrpostRelay
import Testing

/// Each key kind, against a running relay over a real WebSocket: its tokens subscribe,
/// and the attacks on it (tampering, `alg: none`, HS/RS confusion) get `ACCESS_DENIED`.
@Suite struct LiveAlgorithmTests {
    static let denied = #"{"id":1,"type":"subscribe","error":"ACCESS_DENIED"}"#
    static let allowed = #"{"id":1,"type":"subscribe","data":{"group":"collection-5","position":0}}"#

    /// The reply to a subscribe to `collection-5` with `token`, from a relay with `keys`.
    static func subscribeReply(token: String, keys: KeySources) async throws -> String {
        let database = try await PostgresCluster.shared().makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        var configuration = RelayConfiguration(databaseURL: database.connectionString)
        configuration.server.port = 0
        configuration.accessPolicy = TokenAccessPolicy(keys: try await KeyStore(sources: keys), logger: Logger(label: "test"))
        let relay = Relay(configuration: configuration, logger: Logger(label: "test"))
        let running = Task { try await relay.run() }
        defer { running.cancel() }
        let port = try await relay.waitUntilServing().port ?? 0
        let client = try await WebSocketTestClient.connect(port: port)
        try await client.send(text: #"{"id": 1, "type": "subscribe", "auth_jwt": "\#(token)", "data": {"type": "collection", "id": 5}}"#)
        guard case .text(let reply) = try await client.receive() else { return "no text reply" }
        try? await client.close()
        return reply
    }

    static func tampered(_ token: String) -> String {
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = base64URL(Array(#"{"sub":"attacker","groups":["*"],"exp":4102444800}"#.utf8))
        return parts.joined(separator: ".")
    }

    static let keyFiles: [(name: String, file: String, issue: @Sendable () async throws -> String)] = [
        ("RS256", "rsa.pem", { try await Issue.rsa(.sha256) }),
        ("RS512", "rsa.pem", { try await Issue.rsa(.sha512) }),
        ("ES256", "es256.pem", { try await Issue.es256() }),
        ("ES384", "es384.pem", { try await Issue.es384() }),
        ("EdDSA", "eddsa.pem", { try await Issue.eddsa() }),
    ]

    @Test(arguments: 0..<5)
    func validTokenOfEachKeyKindSubscribesAndATamperedOneIsDenied(_ index: Int) async throws {
        let (name, file, issue) = Self.keyFiles[index]
        let keys = KeySources(publicKeyFiles: [TestKeys.shared.path(file)])
        let token = try await issue()
        let reply = try await Self.subscribeReply(token: token, keys: keys)
        #expect(reply == Self.allowed, "\(name): the reply was \(reply)")
        #expect(try await Self.subscribeReply(token: Self.tampered(token), keys: keys) == Self.denied, "\(name) tampered")
    }

    @Test func jwksPicksTheKeyByKid() async throws {
        let keys = KeySources(jwksFile: try TestKeys.shared.write(TestKeys.shared.jwks(), to: "live-jwks.json"))
        let reply = try await Self.subscribeReply(token: try await Issue.es256(kid: "ec-1"), keys: keys)
        #expect(reply == Self.allowed, "the reply was \(reply)")
        #expect(try await Self.subscribeReply(token: try await Issue.es256(kid: "ed-1"), keys: keys) == Self.denied)
    }

    @Test func algNoneAndHMACWithTheRSAPublicKeyAreDenied() async throws {
        let keys = KeySources(publicKeyFiles: [TestKeys.shared.path("rsa.pem")])
        let none = Issue.raw(header: #"{"alg":"none","typ":"JWT"}"#, payload: #"{"groups":["*"],"exp":4102444800}"#)
        #expect(try await Self.subscribeReply(token: none, keys: keys) == Self.denied)
        let confused = try await Issue.hmac(TestKeys.shared.rsaPublicPEM)
        #expect(try await Self.subscribeReply(token: confused, keys: keys) == Self.denied)
    }
}
