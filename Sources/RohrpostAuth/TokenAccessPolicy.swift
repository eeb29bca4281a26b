import Foundation
import Logging
import RohrpostProtocol

/// The relay's access policy with JWTs: a subscribe needs a token that verifies, and the
/// token's claims (or the SQL function, or both) must allow the group.
///
/// Every refusal is `.denied`, which the client hears as `ACCESS_DENIED`; why is logged at
/// debug level, never the token.
public struct TokenAccessPolicy: AccessPolicy {
    private let keys: KeyStore
    private let requirements: ClaimRequirements
    private let authorization: GroupAuthorization
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// Creates the policy.
    ///
    /// - Parameters:
    ///   - keys: The verification keys, reloadable.
    ///   - requirements: What `aud`, `iss`, `exp` and `nbf` must say, and the leeway.
    ///   - authorization: Which rule allows groups. Defaults to the `groups` claim.
    ///   - now: The wall clock tokens are checked against. Defaults to the system's.
    public init(
        keys: KeyStore, requirements: ClaimRequirements = ClaimRequirements(),
        authorization: GroupAuthorization = .claims(ClaimsAuthorizer()), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.keys = keys
        self.requirements = requirements
        self.authorization = authorization
        self.logger = logger
        self.now = now
    }

    /// A custom call needs a token that verifies; its handler then gets the claims.
    public func authenticate(token: String?, completion: @escaping @Sendable (Authentication) -> Void) {
        guard let token, !token.isEmpty else {
            logger.debug("call refused", metadata: ["auth.reason": "no token"])
            completion(.denied)
            return
        }
        do {
            let verified = try TokenVerifier(keys: keys.keys, requirements: requirements).verify(token, now: now())
            completion(.verified(claims: verified.claims))
        } catch {
            logger.debug("call refused", metadata: ["auth.reason": "\(error.description)"])
            completion(.denied)
        }
    }

    public func authorize(subscribeTo group: String, token: String?, completion: @escaping @Sendable (AccessDecision) -> Void) {
        guard let token, !token.isEmpty else {
            deny(group, because: "no token", completion)
            return
        }
        let checkedAt = now()
        let verified: VerifiedToken
        do {
            verified = try TokenVerifier(keys: keys.keys, requirements: requirements).verify(token, now: checkedAt)
        } catch {
            deny(group, because: error.description, completion)
            return
        }
        // The connection closes with 4401 when the token stops being accepted.
        let until = verified.validUntil.map { ContinuousClock.now.advanced(by: .seconds($0.timeIntervalSince(checkedAt))) }
        let logger = logger
        let answer: @Sendable (Bool, String) -> Void = { allowed, rule in
            if allowed {
                completion(.allowed(until: until))
            } else {
                logger.debug("subscribe refused", metadata: ["group": "\(group)", "auth.reason": "\(rule) does not allow the group"])
                completion(.denied)
            }
        }
        switch authorization {
        case .claims(let claims):
            answer(claims.allows(verified.claims, subscribeTo: group), "the \(claims.claim) claim")
        case .sql(let sql):
            sql.authorize(verified.claims, subscribeTo: group) { answer($0, "the SQL function") }
        case .both(let claims, let sql):
            guard claims.allows(verified.claims, subscribeTo: group) else {
                answer(false, "the \(claims.claim) claim")
                return
            }
            sql.authorize(verified.claims, subscribeTo: group) { answer($0, "the SQL function") }
        }
    }

    private func deny(_ group: String, because reason: String, _ completion: @Sendable (AccessDecision) -> Void) {
        logger.debug("subscribe refused", metadata: ["group": "\(group)", "auth.reason": "\(reason)"])
        completion(.denied)
    }
}
