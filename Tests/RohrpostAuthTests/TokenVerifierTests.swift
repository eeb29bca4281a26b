import Foundation
import JWTKit
import RohrpostAuth
import RohrpostProtocol
import Testing

/// A token passes only with a signature of a key bound to its `alg`, and valid claims.
@Suite struct TokenVerifierTests {
    let keys = TestKeys.shared

    // MARK: Each algorithm

    @Test(arguments: [DigestAlgorithm.sha256, .sha384, .sha512])
    func hmacTokensVerify(_ digest: DigestAlgorithm) async throws {
        let verified = try await verifier(KeySources(hmacSecret: secret64)).verify(try await Issue.hmac(secret64, digest))
        #expect(verified.claims["sub"] == "user-1")
    }

    @Test(arguments: [DigestAlgorithm.sha256, .sha384, .sha512])
    func rsaTokensVerify(_ digest: DigestAlgorithm) async throws {
        _ = try await verifier(KeySources(publicKeyFiles: [keys.path("rsa.pem")])).verify(try await Issue.rsa(digest))
    }

    @Test func es256TokenVerifies() async throws {
        _ = try await verifier(KeySources(publicKeyFiles: [keys.path("es256.pem")])).verify(try await Issue.es256())
    }

    @Test func es384TokenVerifies() async throws {
        _ = try await verifier(KeySources(publicKeyFiles: [keys.path("es384.pem")])).verify(try await Issue.es384())
    }

    @Test func eddsaTokenVerifies() async throws {
        _ = try await verifier(KeySources(publicKeyFiles: [keys.path("eddsa.pem")])).verify(try await Issue.eddsa())
    }

    @Test func wrongSecretIsABadSignature() async throws {
        let verifier = try await verifier(KeySources(hmacSecret: long("right")))
        await #expect(throws: TokenRejection.badSignature) { try verifier.verify(try await Issue.hmac(long("wrong"))) }
    }

    @Test func narrowedAlgorithmsRefuseTheOthers() async throws {
        let verifier = try await verifier(KeySources(hmacSecret: secret64, allowedAlgorithms: [.hs512]))
        _ = try verifier.verify(try await Issue.hmac(secret64, .sha512))
        await #expect(throws: TokenRejection.algorithmNotAccepted("HS256")) { try verifier.verify(try await Issue.hmac(secret64, .sha256)) }
    }

    // MARK: JWKS and kid

    @Test func jwksSelectsTheKeyByKid() async throws {
        let path = try keys.write(try keys.jwks(), to: "kid-jwks.json")
        let verifier = try await verifier(KeySources(jwksFile: path))
        _ = try verifier.verify(try await Issue.rsa(kid: "rsa-1"))
        _ = try verifier.verify(try await Issue.es256(kid: "ec-1"))
        _ = try verifier.verify(try await Issue.eddsa(kid: "ed-1"))
    }

    @Test func jwksKeyNamingAnAlgRefusesAnotherDigest() async throws {
        let path = try keys.write(try keys.jwks(), to: "alg-jwks.json")
        let verifier = try await verifier(KeySources(jwksFile: path))
        await #expect(throws: TokenRejection.algorithmNotAccepted("RS512")) { try verifier.verify(try await Issue.rsa(.sha512, kid: "rsa-1")) }
    }

    @Test func unknownKidFindsNoKey() async throws {
        let path = try keys.write(try keys.jwks(), to: "unknown-kid-jwks.json")
        let verifier = try await verifier(KeySources(jwksFile: path))
        await #expect(throws: TokenRejection.algorithmNotAccepted("RS256")) { try verifier.verify(try await Issue.rsa(kid: "rsa-2")) }
    }

    @Test func kidOfAnotherKeyIsABadSignature() async throws {
        let path = try keys.write(try keys.jwks(), to: "other-kid-jwks.json")
        let verifier = try await verifier(KeySources(jwksFile: path))
        // The ES256 token claims the kid of... an ES256 key that did not sign it.
        let other = ES256PrivateKey()
        let token = try await JWTKeyCollection().add(ecdsa: other).sign(TestClaims.standard, kid: "ec-1")
        #expect(throws: TokenRejection.badSignature) { try verifier.verify(token) }
    }

    @Test func pemKeysVerifyTokensThatCarryAKid() async throws {
        _ = try await verifier(KeySources(publicKeyFiles: [keys.path("rsa.pem")])).verify(try await Issue.rsa(kid: "whatever"))
    }

    // MARK: Attacks

    @Test func algNoneIsRefused() async throws {
        let verifier = try await verifier(KeySources(hmacSecret: secret64))
        let payload = #"{"sub":"admin","groups":["*"]}"#
        for alg in ["none", "None", "NONE"] {
            let token = Issue.raw(header: #"{"alg":"\#(alg)","typ":"JWT"}"#, payload: payload)
            #expect(throws: TokenRejection.algorithmNotAccepted(alg)) { try verifier.verify(token) }
        }
    }

    @Test func hmacSignedWithTheRSAPublicKeyIsRefused() async throws {
        // The classic confusion: the public key's PEM text used as an HMAC secret.
        let forged = try await Issue.hmac(keys.rsaPublicPEM)
        let rsaOnly = try await verifier(KeySources(publicKeyFiles: [keys.path("rsa.pem")]))
        #expect(throws: TokenRejection.algorithmNotAccepted("HS256")) { try rsaOnly.verify(forged) }
        let both = try await verifier(KeySources(hmacSecret: long("the-real-secret"), publicKeyFiles: [keys.path("rsa.pem")]))
        #expect(throws: TokenRejection.badSignature) { try both.verify(forged) }
    }

    @Test func rsaTokenRelabelledAsHMACIsRefused() async throws {
        let token = try await Issue.rsa()
        let parts = token.split(separator: ".")
        let relabelled = base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "." + parts[1] + "." + parts[2]
        let verifier = try await verifier(KeySources(hmacSecret: secret64, publicKeyFiles: [keys.path("rsa.pem")]))
        #expect(throws: TokenRejection.badSignature) { try verifier.verify(relabelled) }
    }

    @Test func tamperedSignatureIsRefused() async throws {
        let token = try await Issue.rsa()
        var parts = token.split(separator: ".").map(String.init)
        var signature = Array(parts[2])
        signature[10] = signature[10] == "A" ? "B" : "A"
        parts[2] = String(signature)
        let verifier = try await verifier(KeySources(publicKeyFiles: [keys.path("rsa.pem")]))
        #expect(throws: TokenRejection.badSignature) { try verifier.verify(parts.joined(separator: ".")) }
    }

    @Test func tamperedPayloadIsRefused() async throws {
        let token = try await Issue.hmac(secret64)
        let parts = token.split(separator: ".")
        let forged = parts[0] + "." + base64URL(Array(#"{"groups":["*"]}"#.utf8)) + "." + parts[2]
        await #expect(throws: TokenRejection.badSignature) { try await verifier(KeySources(hmacSecret: secret64)).verify(String(forged)) }
    }

    @Test(arguments: ["", "abc", "a.b", "a.b.c.d", "!!!.e30.", "e30.!!!.", "W10.e30.", "e30.W10.", "e30.e30."])
    func malformedTokensAreRefused(_ token: String) async throws {
        await #expect(throws: TokenRejection.malformed) { try await verifier(KeySources(hmacSecret: secret64)).verify(token) }
    }

    @Test func criticalHeaderExtensionIsRefused() async throws {
        let verifier = try await verifier(KeySources(hmacSecret: secret64))
        let token = Issue.raw(header: #"{"alg":"HS256","crit":["exp"]}"#, payload: "{}")
        #expect(throws: TokenRejection.algorithmNotAccepted("HS256")) { try verifier.verify(token) }
    }

    // MARK: Time

    @Test func expiredTokenIsRefused() async throws {
        let claims = TestClaims(exp: .init(value: Date().addingTimeInterval(-5)), groups: ["*"])
        await #expect(throws: TokenRejection.expired) { try await verifier(KeySources(hmacSecret: secret64)).verify(try await Issue.hmac(secret64, .sha256, claims)) }
    }

    @Test func leewayAcceptsARecentlyExpiredToken() async throws {
        let claims = TestClaims(exp: .init(value: Date().addingTimeInterval(-5)), groups: ["*"])
        let verifier = try await verifier(KeySources(hmacSecret: secret64), ClaimRequirements(leeway: .seconds(30)))
        let verified = try verifier.verify(try await Issue.hmac(secret64, .sha256, claims))
        #expect(verified.validUntil.map { $0 > Date() } == true, "valid until exp plus the leeway")
    }

    @Test func notYetValidTokenIsRefused() async throws {
        let claims = TestClaims(nbf: .init(value: Date().addingTimeInterval(60)), groups: ["*"])
        await #expect(throws: TokenRejection.notYetValid) { try await verifier(KeySources(hmacSecret: secret64)).verify(try await Issue.hmac(secret64, .sha256, claims)) }
    }

    @Test func leewayAcceptsATokenAlmostValid() async throws {
        let claims = TestClaims(nbf: .init(value: Date().addingTimeInterval(10)), groups: ["*"])
        let verifier = try await verifier(KeySources(hmacSecret: secret64), ClaimRequirements(leeway: .seconds(30)))
        _ = try verifier.verify(try await Issue.hmac(secret64, .sha256, claims))
    }

    @Test func validUntilIsTheExpiry() async throws {
        let expiry = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 100).rounded())
        let verified = try await verifier(KeySources(hmacSecret: secret64)).verify(try await Issue.hmac(secret64, .sha256, TestClaims(exp: .init(value: expiry))))
        #expect(verified.validUntil == expiry)
    }

    @Test func tokenWithoutExpIsValidWithoutEnd() async throws {
        let verified = try await verifier(KeySources(hmacSecret: secret64)).verify(try await Issue.hmac(secret64, .sha256, TestClaims(groups: ["*"])))
        #expect(verified.validUntil == nil)
    }

    @Test func nonNumericExpIsRefused() async throws {
        let token = try await JWTKeyCollection().add(hmac: HMACKey(from: secret64), digestAlgorithm: .sha256).sign(StringExp(exp: "tomorrow"))
        await #expect(throws: TokenRejection.invalidTimeClaim("exp")) { try await verifier(KeySources(hmacSecret: secret64)).verify(token) }
    }

    // MARK: Audience and issuer

    @Test func requiredAudienceMustBeNamed() async throws {
        let verifier = try await verifier(KeySources(hmacSecret: secret64), ClaimRequirements(audience: "rohrpost"))
        var claims = TestClaims.standard
        claims.aud = AudienceClaim(value: ["app", "rohrpost"])
        _ = try verifier.verify(try await Issue.hmac(secret64, .sha256, claims))
        claims.aud = "rohrpost"
        _ = try verifier.verify(try await Issue.hmac(secret64, .sha256, claims))
        claims.aud = "other"
        await #expect(throws: TokenRejection.wrongAudience) { try verifier.verify(try await Issue.hmac(secret64, .sha256, claims)) }
        claims.aud = nil
        await #expect(throws: TokenRejection.wrongAudience) { try verifier.verify(try await Issue.hmac(secret64, .sha256, claims)) }
    }

    @Test func requiredIssuerMustMatch() async throws {
        let verifier = try await verifier(KeySources(hmacSecret: secret64), ClaimRequirements(issuer: "https://auth.example"))
        var claims = TestClaims.standard
        claims.iss = "https://auth.example"
        _ = try verifier.verify(try await Issue.hmac(secret64, .sha256, claims))
        claims.iss = "https://evil.example"
        await #expect(throws: TokenRejection.wrongIssuer) { try verifier.verify(try await Issue.hmac(secret64, .sha256, claims)) }
        claims.iss = nil
        await #expect(throws: TokenRejection.wrongIssuer) { try verifier.verify(try await Issue.hmac(secret64, .sha256, claims)) }
    }

    @Test func audienceAndIssuerAreIgnoredUnlessRequired() async throws {
        var claims = TestClaims.standard
        claims.aud = "anyone"
        claims.iss = "anybody"
        _ = try await verifier(KeySources(hmacSecret: secret64)).verify(try await Issue.hmac(secret64, .sha256, claims))
    }
}

/// A payload whose `exp` is a string, as a sloppy issuer might write it.
private struct StringExp: JWTPayload {
    var exp: String
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
