import Foundation
import RohrpostAuth
import Testing

/// Each kind of key file is read and bound to the algorithms it verifies.
@Suite struct KeyLoadingTests {
    let keys = TestKeys.shared

    @Test func hmacSecretVerifiesAllThreeHashes() async throws {
        let loaded = try await VerificationKeys.load(from: KeySources(hmacSecret: secret64))
        #expect(loaded.algorithms == [.hs256, .hs384, .hs512])
    }

    @Test func allowedAlgorithmsNarrowTheSecret() async throws {
        let loaded = try await VerificationKeys.load(from: KeySources(hmacSecret: secret64, allowedAlgorithms: [.hs512]))
        #expect(loaded.algorithms == [.hs512])
    }

    @Test func secretFileLosesItsTrailingNewline() async throws {
        let path = try keys.write(long("file-secret") + "\n", to: "secret.txt")
        let verifier = try await verifier(KeySources(hmacSecretFile: path))
        _ = try verifier.verify(try await Issue.hmac(long("file-secret")))
    }

    @Test func emptySecretIsRefused() async {
        await #expect(throws: AuthError.self) { try await VerificationKeys.load(from: KeySources(hmacSecret: "")) }
    }

    @Test(arguments: [
        ("rsa.pem", [.rs256, .rs384, .rs512]),
        ("es256.pem", [.es256]),
        ("es384.pem", [.es384]),
        ("eddsa.pem", [.eddsa]),
    ] as [(String, Set<SigningAlgorithm>)])
    func publicKeyFileIsBoundToItsAlgorithms(_ file: String, _ algorithms: Set<SigningAlgorithm>) async throws {
        let loaded = try await VerificationKeys.load(from: KeySources(publicKeyFiles: [keys.path(file)]))
        #expect(loaded.algorithms == algorithms)
    }

    @Test func severalPublicKeyFilesAllLoad() async throws {
        let files = ["rsa.pem", "es256.pem", "eddsa.pem"].map(keys.path)
        let loaded = try await VerificationKeys.load(from: KeySources(publicKeyFiles: files))
        #expect(loaded.algorithms == [.rs256, .rs384, .rs512, .es256, .eddsa])
    }

    @Test func privateKeyFileIsRefusedWithAHint() async {
        let error = await #expect(throws: AuthError.self) {
            try await VerificationKeys.load(from: KeySources(publicKeyFiles: [keys.path("rsa-private-copy.pem")]))
        }
        #expect(error?.message.contains("-pubout") == true)
    }

    @Test func garbageFileIsRefused() async throws {
        let path = try keys.write("not a key", to: "garbage.pem")
        await #expect(throws: AuthError.self) { try await VerificationKeys.load(from: KeySources(publicKeyFiles: [path])) }
    }

    @Test func missingFileNamesThePath() async {
        let error = await #expect(throws: AuthError.self) {
            try await VerificationKeys.load(from: KeySources(publicKeyFiles: ["/nonexistent/key.pem"]))
        }
        #expect(error?.message.contains("/nonexistent/key.pem") == true)
    }

    @Test func jwksKeysAreBoundByTypeAndAlg() async throws {
        let path = try keys.write(try keys.jwks(), to: "jwks.json")
        let loaded = try await VerificationKeys.load(from: KeySources(jwksFile: path))
        #expect(Set(loaded.keys.map { "\($0.kid ?? "-") \($0.algorithm)" }) == ["rsa-1 RS256", "ec-1 ES256", "ed-1 EdDSA"])
    }

    @Test func malformedJWKSIsRefused() async throws {
        let path = try keys.write(#"{"keys": 5}"#, to: "bad-jwks.json")
        await #expect(throws: AuthError.self) { try await VerificationKeys.load(from: KeySources(jwksFile: path)) }
    }

    @Test func allowedAlgorithmsThatNoKeyVerifiesAreRefused() async {
        await #expect(throws: AuthError.self) {
            try await VerificationKeys.load(from: KeySources(hmacSecret: secret64, allowedAlgorithms: [.rs256]))
        }
    }

    @Test func reloadPicksUpARotatedSecret() async throws {
        let path = try keys.write(long("old"), to: "rotating.txt")
        let store = try await KeyStore(sources: KeySources(hmacSecretFile: path))
        let newToken = try await Issue.hmac(long("new"))
        #expect(throws: TokenRejection.badSignature) { try TokenVerifier(keys: store.keys).verify(newToken) }
        try keys.write(long("new"), to: "rotating.txt")
        try await store.reload()
        _ = try TokenVerifier(keys: store.keys).verify(newToken)
    }

    @Test func failedReloadKeepsThePreviousKeys() async throws {
        let path = try keys.write(long("kept"), to: "breaking.txt")
        let store = try await KeyStore(sources: KeySources(hmacSecretFile: path))
        try FileManager.default.removeItem(atPath: path)
        await #expect(throws: AuthError.self) { try await store.reload() }
        _ = try TokenVerifier(keys: store.keys).verify(try await Issue.hmac(long("kept")))
    }
}

/// HMAC secrets must be at least as long as the hash (RFC 7518 §3.2).
@Suite struct HMACSecretLengthTests {
    @Test func secretShorterThan32BytesIsRefusedWithAHint() async {
        let error = await #expect(throws: AuthError.self) {
            try await VerificationKeys.load(from: KeySources(hmacSecret: String(repeating: "x", count: 31)))
        }
        #expect(error?.message.contains("openssl rand") == true)
    }

    @Test func secretOf32BytesVerifiesHS256Only() async throws {
        let loaded = try await VerificationKeys.load(from: KeySources(hmacSecret: String(repeating: "x", count: 32)))
        #expect(loaded.algorithms == [.hs256])
    }

    @Test func explicitlyAllowedHS512NeedsA64ByteSecret() async {
        await #expect(throws: AuthError.self) {
            try await VerificationKeys.load(from: KeySources(hmacSecret: String(repeating: "x", count: 48), allowedAlgorithms: [.hs512]))
        }
    }
}
