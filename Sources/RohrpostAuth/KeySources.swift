/// Where the relay's verification keys come from. Files are read again on reload.
public struct KeySources: Sendable, Hashable {
    /// An HMAC secret given directly (`ROHRPOST_JWT_SECRET`). Defaults to none.
    public var hmacSecret: String?
    /// A file holding the HMAC secret; a trailing newline is not part of it. Defaults to none.
    public var hmacSecretFile: String?
    /// PEM files with one public key each: RSA (RS256/384/512), EC P-256/P-384/P-521
    /// (ES256/384/512) or Ed25519 (EdDSA). Defaults to none.
    public var publicKeyFiles: [String] = []
    /// A JWKS file (`{"keys": [...]}`); its keys are chosen by the token's `kid`. Defaults to none.
    public var jwksFile: String?
    /// The algorithms tokens may use; `nil` allows every algorithm a configured key
    /// verifies, so one HMAC secret verifies HS256, HS384 and HS512. Defaults to `nil`.
    public var allowedAlgorithms: Set<SigningAlgorithm>?

    /// Creates sources; with no arguments, none at all.
    public init(
        hmacSecret: String? = nil, hmacSecretFile: String? = nil, publicKeyFiles: [String] = [],
        jwksFile: String? = nil, allowedAlgorithms: Set<SigningAlgorithm>? = nil
    ) {
        self.hmacSecret = hmacSecret
        self.hmacSecretFile = hmacSecretFile
        self.publicKeyFiles = publicKeyFiles
        self.jwksFile = jwksFile
        self.allowedAlgorithms = allowedAlgorithms
    }

    /// Whether no key is configured at all.
    public var isEmpty: Bool {
        hmacSecret == nil && hmacSecretFile == nil && publicKeyFiles.isEmpty && jwksFile == nil
    }

    /// The files keys are read from, to watch for changes.
    public var files: [String] {
        [hmacSecretFile].compactMap { $0 } + publicKeyFiles + [jwksFile].compactMap { $0 }
    }

    /// Whether tokens may use `algorithm`.
    func allows(_ algorithm: SigningAlgorithm) -> Bool {
        allowedAlgorithms?.contains(algorithm) ?? true
    }
}
