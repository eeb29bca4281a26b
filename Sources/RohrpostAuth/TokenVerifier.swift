import Foundation
import RohrpostProtocol

/// Checks a JWT: its form, its `alg` against the keys, its signature, then its claims.
public struct TokenVerifier: Sendable {
    /// The keys signatures are checked with.
    public let keys: VerificationKeys
    /// What `aud`, `iss`, `exp` and `nbf` must say.
    public let requirements: ClaimRequirements

    /// Creates a verifier for `keys` and `requirements`.
    public init(keys: VerificationKeys, requirements: ClaimRequirements = ClaimRequirements()) {
        self.keys = keys
        self.requirements = requirements
    }

    /// Verifies `token` at `now`; throws why it is not accepted.
    public func verify(_ token: String, now: Date = Date()) throws(TokenRejection) -> VerifiedToken {
        let bytes = Array(token.utf8)
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerBytes = base64URLDecoded(parts[0]),
            let payloadBytes = base64URLDecoded(parts[1]),
            let signature = base64URLDecoded(parts[2]),
            let header = try? JSONValue(parsing: headerBytes, maximumDepth: 16), header.isObject,
            let claims = try? JSONValue(parsing: payloadBytes, maximumDepth: 64), claims.isObject
        else { throw .malformed }

        guard let name = header["alg"]?.stringValue else { throw .malformed }
        // Extensions the relay does not understand must not be ignored (RFC 7515 §4.1.11).
        guard header["crit"] == nil, let algorithm = SigningAlgorithm(rawValue: name) else {
            throw .algorithmNotAccepted(name)
        }
        let kid = header["kid"]?.stringValue
        let candidates = keys.candidates(for: algorithm, kid: kid)
        guard !candidates.isEmpty else { throw .algorithmNotAccepted(name) }

        let signedPart = bytes[..<(parts[1].endIndex)]
        guard candidates.contains(where: { $0.verifies(signature, of: signedPart) }) else { throw .badSignature }
        let validUntil = try requirements.check(claims, now: now)
        return VerifiedToken(claims: claims, validUntil: validUntil)
    }
}
