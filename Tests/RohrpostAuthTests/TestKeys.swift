import Foundation
import JWTKit
import RohrpostPostgres
import RohrpostAuth
import Synchronization

/// The key directory of this test process, removed when the process exits.
private let keyDirectoryToRemove = Mutex<URL?>(nil)

/// Key pairs of every kind, made fresh for this test run, with their public halves written
/// to PEM files as an operator would give them.
struct TestKeys: Sendable {
    let directory: URL
    let rsa: Insecure.RSA.PrivateKey
    let es256 = ES256PrivateKey()
    let es384 = ES384PrivateKey()
    let eddsa: EdDSA.PrivateKey
    let rsaPublicPEM: String

    /// Made once per test process: RSA key generation takes a moment.
    static let shared: TestKeys = try! TestKeys()

    private init() throws {
        directory = try Self.makeKeyDirectory()
        // jwt-kit cannot generate RSA keys; openssl can.
        let rsaPath = directory.appendingPathComponent("rsa-private.pem").path
        try Self.run("/usr/bin/openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsaPath])
        rsa = try Insecure.RSA.PrivateKey(pem: String(contentsOfFile: rsaPath, encoding: .utf8))
        rsaPublicPEM = rsa.publicKey.pemRepresentation
        eddsa = try EdDSA.PrivateKey()
        try write(rsaPublicPEM, to: "rsa.pem")
        try write(es256.publicKey.pemRepresentation, to: "es256.pem")
        try write(es384.publicKey.pemRepresentation, to: "es384.pem")
        try write(eddsa.publicKey.pemRepresentation, to: "eddsa.pem")
        try write(String(contentsOfFile: rsaPath, encoding: .utf8), to: "rsa-private-copy.pem")
    }

    /// A new directory under the system's temporary one, removed when the process exits.
    private static func makeKeyDirectory() throws -> URL {
        let made = FileManager.default.temporaryDirectory.appendingPathComponent("rohrpost-auth-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
        keyDirectoryToRemove.withLock { $0 = made }
        atexit {
            if let directory = keyDirectoryToRemove.withLock({ $0 }) { try? FileManager.default.removeItem(at: directory) }
        }
        return made
    }

    /// The path of the file `name` in this run's key directory.
    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Writes `text` to the file `name` and returns its path.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// A JWKS of the RSA, ES256 and EdDSA public keys with kids `rsa-1`, `ec-1`, `ed-1`;
    /// the RSA key names RS256 as its `alg`.
    func jwks() throws -> String {
        let (modulus, exponent) = try rsa.publicKey.getKeyPrimitives()
        let ec = es256.publicKey.parameters!
        return """
            {"keys": [
              {"kty": "RSA", "kid": "rsa-1", "alg": "RS256", "use": "sig", "n": "\(base64URL(modulus))", "e": "\(base64URL(exponent))"},
              {"kty": "EC", "kid": "ec-1", "crv": "P-256", "x": "\(ec.x)", "y": "\(ec.y)"},
              {"kty": "OKP", "kid": "ed-1", "crv": "Ed25519", "x": "\(base64URL(eddsa.publicKey.rawRepresentation))"}
            ]}
            """
    }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        try ServerProcess.run([tool] + arguments)
    }
}

/// Base64url without padding, as JWTs and JWKs write bytes.
func base64URL(_ bytes: some Sequence<UInt8>) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// The claims test tokens carry; absent ones are left out of the payload.
struct TestClaims: JWTPayload {
    var exp: ExpirationClaim?
    var nbf: NotBeforeClaim?
    var aud: AudienceClaim?
    var iss: IssuerClaim?
    var sub: SubjectClaim? = "user-1"
    var groups: [String]?

    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// Valid for an hour from now, for the groups `collection-*`.
    static var standard: TestClaims {
        TestClaims(exp: .init(value: Date().addingTimeInterval(3600)), groups: ["collection-*"])
    }
}

/// Signs tokens with jwt-kit, as an issuer would.
enum Issue {
    static func hmac(_ secret: String, _ digest: DigestAlgorithm = .sha256, _ claims: TestClaims = .standard) async throws -> String {
        try await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: digest).sign(claims)
    }

    static func rsa(_ digest: DigestAlgorithm = .sha256, _ claims: TestClaims = .standard, kid: String? = nil) async throws -> String {
        let keys = await JWTKeyCollection().add(rsa: TestKeys.shared.rsa, digestAlgorithm: digest)
        return try await keys.sign(claims, kid: kid.map { JWKIdentifier(string: $0) })
    }

    static func es256(_ claims: TestClaims = .standard, kid: String? = nil) async throws -> String {
        let keys = await JWTKeyCollection().add(ecdsa: TestKeys.shared.es256)
        return try await keys.sign(claims, kid: kid.map { JWKIdentifier(string: $0) })
    }

    static func es384(_ claims: TestClaims = .standard) async throws -> String {
        try await JWTKeyCollection().add(ecdsa: TestKeys.shared.es384).sign(claims)
    }

    static func eddsa(_ claims: TestClaims = .standard, kid: String? = nil) async throws -> String {
        let keys = await JWTKeyCollection().add(eddsa: TestKeys.shared.eddsa)
        return try await keys.sign(claims, kid: kid.map { JWKIdentifier(string: $0) })
    }

    /// A token assembled by hand: any header, any payload, any signature bytes.
    static func raw(header: String, payload: String, signature: [UInt8] = []) -> String {
        "\(base64URL(Array(header.utf8))).\(base64URL(Array(payload.utf8))).\(base64URL(signature))"
    }
}

/// A verifier for the given sources with default requirements.
func verifier(_ sources: KeySources, _ requirements: ClaimRequirements = ClaimRequirements()) async throws -> TokenVerifier {
    TokenVerifier(keys: try await VerificationKeys.load(from: sources), requirements: requirements)
}

/// A 64-byte HMAC secret: long enough for HS256, HS384 and HS512.
let secret64 = String(repeating: "0123456789abcdef", count: 4)

/// `word` padded to a 64-byte secret.
func long(_ word: String) -> String {
    word + String(repeating: "-", count: max(0, 64 - word.utf8.count))
}
