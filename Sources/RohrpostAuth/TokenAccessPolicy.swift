import Foundation
import Logging
import RohrpostProtocol

/// The relay's access policy with JWTs: a subscribe needs a token that verifies, and the
/// token's claims (or the SQL function, or both) must allow the group.
///
/// Every refusal is `.denied`, which the client hears as `ACCESS_DENIED`; why is counted
/// and logged by `TokenRejections` (the first of each reason at info level), never the token.
public struct TokenAccessPolicy: AccessPolicy {
    private let keys: KeyStore
    private let requirements: ClaimRequirements
    private let authorization: GroupAuthorization
    private let rejections: TokenRejections
    private let now: @Sendable () -> Date

    /// Creates the policy.
    ///
    /// - Parameters:
    ///   - keys: The verification keys, reloadable.
    ///   - requirements: What `aud`, `iss`, `exp` and `nbf` must say, and the leeway.
    ///   - authorization: Which rule allows groups. Defaults to the `groups` claim.
    ///   - rejections: Where refusals are counted and logged. Defaults to logging them to
    ///     `logger`, uncounted.
    ///   - now: The wall clock tokens are checked against. Defaults to the system's.
    public init(
        keys: KeyStore, requirements: ClaimRequirements = ClaimRequirements(),
        authorization: GroupAuthorization = .claims(ClaimsAuthorizer()), logger: Logger,
        rejections: TokenRejections? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.keys = keys
        self.requirements = requirements
        self.authorization = authorization
        self.rejections = rejections ?? TokenRejections(logger: logger)
        self.now = now
    }

    /// A custom call needs a token that verifies; its handler then gets the claims.
    public func authenticate(token: String?) async -> Authentication {
        guard let token, !token.isEmpty else {
            rejections.rejected(TokenRejections.noToken, detail: "no token")
            return .denied
        }
        do {
            let verified = try TokenVerifier(keys: keys.keys, requirements: requirements).verify(token, now: now())
            return .verified(claims: verified.claims)
        } catch {
            rejections.rejected(error.reason, detail: error.description)
            return .denied
        }
    }

    public func authorize(subscribeTo group: String, token: String?) async -> AccessDecision {
        guard let token, !token.isEmpty else {
            return deny(group, TokenRejections.noToken, because: "no token")
        }
        let checkedAt = now()
        let verified: VerifiedToken
        do {
            verified = try TokenVerifier(keys: keys.keys, requirements: requirements).verify(token, now: checkedAt)
        } catch {
            return deny(group, error.reason, because: error.description)
        }
        // The connection closes with 4401 when the token stops being accepted.
        let until = verified.validUntil.map { ContinuousClock.now.advanced(by: .seconds($0.timeIntervalSince(checkedAt))) }
        // The claim first, so a refusal costs no query.
        if let claims = authorization.claims, !claims.allows(verified.claims, subscribeTo: group) {
            return deny(group, TokenRejections.groupNotAllowed, because: "the \(claims.claim) claim does not allow the group")
        }
        if let sql = authorization.sql, await !sql.authorize(verified.claims, subscribeTo: group) {
            return deny(group, TokenRejections.sqlDenied, because: "the SQL function does not allow the group")
        }
        return .allowed(until: until)
    }

    private func deny(_ group: String, _ reason: String, because detail: String) -> AccessDecision {
        rejections.rejected(reason, detail: detail, group: group)
        return .denied
    }
}
