import JWTKit

/// One key bound to the one algorithm it verifies, and to its `kid` when it has one.
///
/// The binding is what stops algorithm confusion: a token is only ever checked with keys
/// whose algorithm is the token's `alg`, so an HS256 token never meets an RSA key, and no
/// key verifies `none`.
public struct VerificationKey: Sendable {
    /// The key's identifier (`kid`), for keys from a JWKS file.
    public let kid: String?
    /// The algorithm this key verifies.
    public let algorithm: SigningAlgorithm
    /// Where the key came from, for logs (`--jwt-public-key-file /etc/rohrpost/rs.pem`).
    public let origin: String
    /// jwt-kit's verifier for this key and algorithm.
    let verifier: any JWTAlgorithm

    init(kid: String?, algorithm: SigningAlgorithm, origin: String, verifier: any JWTAlgorithm) {
        self.kid = kid
        self.algorithm = algorithm
        self.origin = origin
        self.verifier = verifier
    }

    /// Whether the signature `signature` was made over `signedPart` by this key.
    func verifies(_ signature: [UInt8], of signedPart: ArraySlice<UInt8>) -> Bool {
        (try? verifier.verify(signature, signs: signedPart)) ?? false
    }
}

/// The keys a relay verifies tokens with.
public struct VerificationKeys: Sendable {
    /// Every key, each bound to one algorithm.
    public let keys: [VerificationKey]

    /// Creates a key set from keys already bound to their algorithms.
    public init(_ keys: [VerificationKey]) {
        self.keys = keys
    }

    /// The algorithms some key verifies.
    public var algorithms: Set<SigningAlgorithm> { Set(keys.map(\.algorithm)) }

    /// The keys that may have signed a token whose header names `algorithm` and `kid`.
    ///
    /// A `kid` that names keys selects exactly those; a `kid` no key has (or none) leaves
    /// the keys without a `kid` (PEM files, the HMAC secret), and without any `kid` in the
    /// token every key of the algorithm is tried.
    public func candidates(for algorithm: SigningAlgorithm, kid: String?) -> [VerificationKey] {
        let ofAlgorithm = keys.filter { $0.algorithm == algorithm }
        guard let kid else { return ofAlgorithm }
        let named = ofAlgorithm.filter { $0.kid == kid }
        return named.isEmpty ? ofAlgorithm.filter { $0.kid == nil } : named
    }
}
