import Foundation
import RohrpostProtocol

/// What a token's registered claims must say besides its signature.
public struct ClaimRequirements: Sendable, Hashable {
    /// An audience `aud` must name (a string, or one of an array). Defaults to none: `aud`
    /// is not checked.
    public var audience: String?
    /// The issuer `iss` must be. Defaults to none: `iss` is not checked.
    public var issuer: String?
    /// How far the relay's clock may be off the issuer's: `exp` is accepted that long
    /// after, `nbf` that long before. Defaults to 0.
    public var leeway: Duration = .zero

    /// Creates requirements; with no arguments, only `exp` and `nbf` are checked.
    public init(audience: String? = nil, issuer: String? = nil, leeway: Duration = .zero) {
        self.audience = audience
        self.issuer = issuer
        self.leeway = leeway
    }

    /// Checks `claims` at `now`, and returns when the token stops being accepted.
    public func check(_ claims: JSONValue, now: Date) throws(TokenRejection) -> Date? {
        let leewaySeconds = Double(leeway.components.seconds) + Double(leeway.components.attoseconds) / 1e18
        let expiry = try Self.time(claims, "exp")
        if let expiry, now.timeIntervalSince1970 >= expiry + leewaySeconds { throw .expired }
        if let notBefore = try Self.time(claims, "nbf"), now.timeIntervalSince1970 + leewaySeconds < notBefore {
            throw .notYetValid
        }
        _ = try Self.time(claims, "iat")
        if let audience {
            let named: [String] =
                switch claims["aud"] {
                case .string(let one)?: [one]
                case .array(let many)?: many.compactMap(\.stringValue)
                default: []
                }
            guard named.contains(audience) else { throw .wrongAudience }
        }
        if let issuer, claims["iss"]?.stringValue != issuer { throw .wrongIssuer }
        return expiry.map { Date(timeIntervalSince1970: $0 + leewaySeconds) }
    }

    /// A NumericDate claim in seconds since 1970, nil when absent.
    private static func time(_ claims: JSONValue, _ name: String) throws(TokenRejection) -> Double? {
        guard let value = claims[name] else { return nil }
        guard let number = value.numberValue, let seconds = Double(number.text), seconds.isFinite else {
            throw .invalidTimeClaim(name)
        }
        return seconds
    }
}
