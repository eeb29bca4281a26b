/// A JWS algorithm the relay verifies (`alg` in a token's header). `none` is not one.
public enum SigningAlgorithm: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"
    case eddsa = "EdDSA"

    /// The kind of key that verifies this algorithm.
    public enum Family: Sendable, Hashable {
        case hmac, rsa, ecdsa, eddsa
    }

    /// The kind of key that verifies this algorithm.
    public var family: Family {
        switch self {
        case .hs256, .hs384, .hs512: .hmac
        case .rs256, .rs384, .rs512: .rsa
        case .es256, .es384, .es512: .ecdsa
        case .eddsa: .eddsa
        }
    }

    /// Reads an algorithm name as JWS writes it (`HS256`, `EdDSA`), ignoring case.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
        self = match
    }

    public var description: String { rawValue }
}
