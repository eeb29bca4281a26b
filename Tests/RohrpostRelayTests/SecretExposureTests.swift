import Foundation
import JWTKit
import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// What `rohrpost-relay serve` shows of its secrets at its most verbose: nothing. The
/// database password, the JWT secret and the tokens clients send never reach a log line,
/// `/metrics`, `/status` or an error line. And what it tells the operator of refused tokens:
/// a count by reason, and the first of each reason at info level.
@Suite struct SecretExposureTests {
    private static let password = "s3cretPW-in-the-url"
    private static let jwtSecret = "jwt-secret-from-a-file-0123456789abcdefXYZ"

    private struct Claims: JWTPayload {
        var sub: SubjectClaim = "alice"
        var exp: ExpirationClaim
        var groups: [String]
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    private static func token(secret: String = jwtSecret, expiresIn: TimeInterval = 600) async throws -> String {
        try await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            .sign(Claims(exp: .init(value: Date().addingTimeInterval(expiresIn)), groups: ["todo", "todo-*"]))
    }

    /// A migrated database with a watched `todo` table, a secret file, and `serve` on a free
    /// port reading both, at `level`; `body` gets the port and the running command.
    private static func serving(
        level: String, _ body: (Int, RelayCommand, TestDatabase) async throws -> Void
    ) async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        try database.execute("CREATE TABLE todo (id serial PRIMARY KEY, title text); SELECT rohrpost.watch('todo', groups => ARRAY['todo'])")
        let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("jwt-secret-\(UUID().uuidString)")
        try (jwtSecret + "\n").write(to: secretFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secretFile) }
        // The test cluster trusts every connection, so the password is carried, not checked.
        let port = try await PostgresCluster.shared().port
        let url = "postgres://postgres:\(password)@127.0.0.1:\(port)/\(database.name)"
        let relayPort = try LoopbackPort.free()
        let serve = try RelayCommand(
            ["serve", "--port", String(relayPort), "--log-level", level, "--live-page", "--publish-path", "/publish"],
            environment: ["DATABASE_URL": url, "ROHRPOST_JWT_SECRET_FILE": secretFile.path])
        _ = try await serve.waitFor("open-file limit|room for", inErrors: true)
        try await waitUntilServing(relayPort)
        try await body(relayPort, serve, database)
        try await serve.terminate()
    }

    private static func waitUntilServing(_ port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while (try? await PlainHTTP.get("/readyz", port: port).status) != 200 {
            guard ContinuousClock.now < deadline else { throw LiveRelayError("the relay did not become ready") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private static func subscribe(_ port: Int, token: String?) async throws -> String {
        let client = try await WebSocketTestClient.connect(port: port)
        let auth = token.map { #", "auth_jwt": "\#($0)""# } ?? ""
        let reply = try await client.request(#"{"id": 1, "type": "subscribe"\#(auth), "data": {"type": "todo"}}"#)
        try await client.close()
        return reply
    }

    @Test(.timeLimit(.minutes(2))) func noSecretReachesALogLineMetricsOrStatusAtTraceLevel() async throws {
        let valid = try await Self.token()
        let forged = try await Self.token(secret: String(repeating: "x", count: 48))
        let expired = try await Self.token(expiresIn: -120)
        var shown = ""
        try await Self.serving(level: "trace") { port, serve, database in
            let client = try await WebSocketTestClient.connect(port: port)
            #expect(try await client.request(#"{"id": 1, "type": "subscribe", "auth_jwt": "\#(valid)", "data": {"type": "todo"}}"#).contains(#""type":"subscribe""#))
            for token in [forged, expired, "not.a.token"] {
                #expect(try await Self.subscribe(port, token: token).contains("ACCESS_DENIED"))
            }
            try database.execute("INSERT INTO todo (title) VALUES ('delivered')")
            #expect(try await client.receiveEvent().object["title"] as? String == "delivered")
            let published = try await PlainHTTP.post(
                "/publish", body: #"{"group": "todo", "type": "note", "object": 1}"#,
                headers: [("Authorization", "Bearer \(forged)")], port: port)
            #expect(published.status == 401 || published.status == 403)
            try await client.close()
            for path in ["/metrics", "/status", "/readyz", "/healthz"] {
                shown += try await PlainHTTP.get(path, port: port).body
            }
            try await serve.terminate()
            shown += serve.stdout + serve.stderr
            #expect(serve.stderr.contains("trace") || serve.stderr.contains("debug"), "ran at the most verbose level")
        }
        for (name, secret) in [("password", Self.password), ("JWT secret", Self.jwtSecret), ("token", valid), ("forged token", forged), ("expired token", expired)] {
            #expect(!shown.contains(secret), "the \(name) was shown:\n\(shown)")
            // Not in pieces either: a JWT's signature part alone is the secret part.
            if let signature = secret.split(separator: ".").last, secret.contains(".") {
                #expect(!shown.contains(signature), "part of the \(name) was shown")
            }
        }
        #expect(shown.contains("postgres://postgres:***@"), "the URL is shown with its password masked:\n\(shown)")
    }

    @Test(.timeLimit(.minutes(2))) func refusedTokensAreCountedByReasonAndTheFirstOfEachIsLogged() async throws {
        let forged = try await Self.token(secret: String(repeating: "x", count: 48))
        let expired = try await Self.token(expiresIn: -120)
        try await Self.serving(level: "info") { port, serve, _ in
            for token in [forged, forged, forged, expired, nil] {
                #expect(try await Self.subscribe(port, token: token).contains("ACCESS_DENIED"))
            }
            let metrics = try await PlainHTTP.get("/metrics", port: port).body
            #expect(metrics.contains(#"rohrpost_token_rejections_total{reason="bad_signature"} 3"#), "\(metrics)")
            #expect(metrics.contains(#"rohrpost_token_rejections_total{reason="expired"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"rohrpost_token_rejections_total{reason="no_token"} 1"#), "\(metrics)")
            try await serve.terminate()
            let refusals = serve.stderr.split(separator: "\n").filter { $0.contains("refused a token or subscribe") }
            #expect(refusals.filter { $0.contains("bad_signature") }.count == 1, "the first of three, once:\n\(serve.stderr)")
            #expect(refusals.filter { $0.contains("expired") }.count == 1, "\(serve.stderr)")
            #expect(refusals.filter { $0.contains("no_token") }.count == 1, "\(serve.stderr)")
            #expect(refusals.allSatisfy { $0.contains(" info ") && $0.contains("auth.reason=") }, "\(refusals)")
        }
    }
}
