import Logging
import Synchronization
import Testing

@testable import rohrpost_relay

/// No password, JWT secret or token leaves the process in a log or error line.
@Suite struct SecretRedactorTests {
    private let redactor = SecretRedactor()

    @Test func aURLsPasswordIsMasked() {
        #expect(redactor.redact(#"Database(connectionString: "postgres://app:s3cretPW@db:5432/app?sslmode=require")"#)
            == #"Database(connectionString: "postgres://app:***@db:5432/app?sslmode=require")"#)
        #expect(redactor.redact("postgresql://app:p@ss:w/rd@db/app") == "postgresql://app:***@db/app")
        #expect(redactor.redact("ws://127.0.0.1:8000/ws/rohrpost/ and postgres://app@db/app") == "ws://127.0.0.1:8000/ws/rohrpost/ and postgres://app@db/app")
    }

    @Test func aKeyValuePasswordIsMasked() {
        #expect(redactor.redact("host=db password=s3cretPW dbname=app") == "host=db password=*** dbname=app")
        #expect(redactor.redact("host=db password = 'se cret\\'x' dbname=app") == "host=db password = *** dbname=app")
        #expect(redactor.redact("PGPASSWORD=abc123 and postgres://db/app?user=a&password=xyz&sslmode=off")
            == "PGPASSWORD=*** and postgres://db/app?user=a&password=***&sslmode=off")
    }

    @Test func tokensAreMasked() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"
        #expect(redactor.redact(#"subscribe {"auth_jwt": "\#(jwt)"}"#) == #"subscribe {"auth_jwt": "***"}"#)
        #expect(redactor.redact("Authorization: Bearer abc.def") == "Authorization: Bearer ***")
        #expect(redactor.redact("keyJ.a.b") == "keyJ.a.b", "only a JWT's start")
    }

    @Test func secretsItKnowsAreMaskedWherever() {
        var redactor = SecretRedactor()
        redactor.add("a-jwt-secret-of-at-least-32-bytes!!")
        redactor.add(connectionString: "postgres://app:p%40ss%2Fword@db/app")
        redactor.add("abc")
        #expect(redactor.redact("key a-jwt-secret-of-at-least-32-bytes!! loaded") == "key *** loaded")
        #expect(redactor.redact("decoded p@ss/word here") == "decoded *** here")
        #expect(redactor.redact("abc is too short to mask") == "abc is too short to mask")
    }

    @Test func aConnectionStringIsShownWithoutItsPassword() {
        #expect(SecretRedactor.withoutPassword("postgres://app:s3cret@db:5432/app") == "postgres://app@db:5432/app")
        #expect(SecretRedactor.withoutPassword("host=db password=s3cret dbname=app") == "host=db dbname=app")
        #expect(SecretRedactor.withoutPassword("host=127.0.0.1 port=5432 dbname=x user=postgres") == "host=127.0.0.1 port=5432 dbname=x user=postgres")
        #expect(SecretRedactor.password(in: "host=db password='a b' dbname=app") == "a b")
    }

    @Test func theLogHandlerRedactsMessagesMetadataAndErrors() throws {
        let lines = Lines()
        let redactor = SecretRedactor(secrets: ["hmac-secret-value-0123456789"])
        var logger = Logger(label: "test") { label in
            var inner = JSONLogHandler(label: label, write: lines.append)
            inner.logLevel = .trace
            return RedactingLogHandler(wrapping: inner, redactor: { redactor })
        }
        logger[metadataKey: "db"] = "postgres://u:pw12345@h/d"
        logger.trace(
            "Starting service Database(connectionString: \"postgres://u:pw12345@h/d\")",
            metadata: ["key": "hmac-secret-value-0123456789", "nested": ["t": "Bearer eyJa.eyJb.c"]])
        let line = try #require(lines.all.first)
        #expect(!line.contains("pw12345") && !line.contains("hmac-secret-value") && !line.contains("eyJa"), "\(line)")
        #expect(line.contains("postgres://u:***@h/d"), "\(line)")
    }
}

/// Collects written lines.
private final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ bytes: [UInt8]) { lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
}
