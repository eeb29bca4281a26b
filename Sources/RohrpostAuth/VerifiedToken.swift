import Foundation
import RohrpostProtocol

/// A token whose signature and time and audience claims checked out.
public struct VerifiedToken: Sendable, Hashable {
    /// The payload: every claim, as the issuer wrote it.
    public let claims: JSONValue
    /// When the token stops being accepted (`exp` plus the leeway), if it has an `exp`.
    public let validUntil: Date?

    /// Creates a verified token from its claims and end of validity.
    public init(claims: JSONValue, validUntil: Date?) {
        self.claims = claims
        self.validUntil = validUntil
    }
}
