/// Why a token was not accepted. Counted by `reason` and logged (see `TokenRejections`);
/// a client only ever hears `ACCESS_DENIED`.
public enum TokenRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not three base64url parts holding a JSON header and a JSON object payload.
    case malformed
    /// The header's `alg` is `none`, unknown, not allowed, or has no key; or it has a `crit`.
    case algorithmNotAccepted(String)
    /// No key of the token's algorithm made its signature.
    case badSignature
    /// `exp` (plus the leeway) has passed.
    case expired
    /// `nbf` (less the leeway) has not come yet.
    case notYetValid
    /// `exp`, `nbf` or `iat` is not a number.
    case invalidTimeClaim(String)
    /// `aud` is missing or does not name the required audience.
    case wrongAudience
    /// `iss` is missing or is not the required issuer.
    case wrongIssuer

    /// The reason as a metric label: `malformed`, `algorithm_not_accepted`, `bad_signature`,
    /// `expired`, `not_yet_valid`, `invalid_time_claim`, `wrong_audience`, `wrong_issuer`.
    public var reason: String {
        switch self {
        case .malformed: "malformed"
        case .algorithmNotAccepted: "algorithm_not_accepted"
        case .badSignature: "bad_signature"
        case .expired: "expired"
        case .notYetValid: "not_yet_valid"
        case .invalidTimeClaim: "invalid_time_claim"
        case .wrongAudience: "wrong_audience"
        case .wrongIssuer: "wrong_issuer"
        }
    }

    public var description: String {
        switch self {
        case .malformed: "malformed token"
        // The name comes from the token's header: shortened, printable only.
        case .algorithmNotAccepted(let alg): "algorithm '\(String(alg.prefix(16).filter { $0.isASCII && !$0.isWhitespace }))' not accepted"
        case .badSignature: "bad signature"
        case .expired: "token expired"
        case .notYetValid: "token not yet valid (nbf)"
        case .invalidTimeClaim(let name): "claim '\(name)' is not a number"
        case .wrongAudience: "wrong or missing audience"
        case .wrongIssuer: "wrong or missing issuer"
        }
    }
}
