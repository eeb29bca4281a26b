import ArgumentParser
import Foundation
import Logging
import Metrics
import RohrpostAuth
import RohrpostPostgres
import RohrpostProtocol
import ServiceLifecycle

/// Options of authentication (JWT) and group authorization, for `serve` and `demo`.
struct AuthOptions: ParsableArguments {
    @Option(help: "jwt or none; serve with no key refuses to start unless given none. (default: jwt when a key is configured; env: ROHRPOST_AUTH)")
    var auth: String?

    @Option(help: "HMAC secret for HS256/384/512, at least 32 bytes (64 for HS512); prefer the variable or --jwt-secret-file, since flags show in ps. (default: none; env: ROHRPOST_JWT_SECRET)")
    var jwtSecret: String?

    @Option(help: "File holding the HMAC secret (a trailing newline is ignored). (default: none; env: ROHRPOST_JWT_SECRET_FILE)")
    var jwtSecretFile: String?

    @Option(help: "PEM public key (RSA, EC P-256/384/521, Ed25519); repeat for several. (default: none; env: ROHRPOST_JWT_PUBLIC_KEY_FILE, comma-separated)")
    var jwtPublicKeyFile: [String] = []

    @Option(help: "JWKS file; tokens pick a key by kid. (default: none; env: ROHRPOST_JWKS_FILE)")
    var jwksFile: String?

    @Option(help: "Comma-separated algorithms tokens may use (HS256,HS384,HS512,RS256,RS384,RS512,ES256,ES384,ES512,EdDSA). (default: all the keys verify; env: ROHRPOST_JWT_ALGORITHMS)")
    var jwtAlgorithms: String?

    @Option(help: "Audience tokens must name in aud. (default: aud not checked; env: ROHRPOST_JWT_AUDIENCE)")
    var jwtAudience: String?

    @Option(help: "Issuer tokens must name in iss. (default: iss not checked; env: ROHRPOST_JWT_ISSUER)")
    var jwtIssuer: String?

    @Option(help: "Clock leeway for exp and nbf (e.g. 30s). (default: 0; env: ROHRPOST_JWT_LEEWAY)")
    var jwtLeeway: String?

    @Option(help: "Claim listing the group patterns a token may subscribe to (* matches anything). (default: groups; env: ROHRPOST_GROUPS_CLAIM)")
    var groupsClaim: String?

    @Option(help: "Who allows groups: claims, sql or both (both must allow). (default: claims; env: ROHRPOST_AUTHORIZATION)")
    var authorization: String?

    @Option(help: "SQL function (claims jsonb, group_name text) RETURNS boolean for --authorization sql/both. (default: rohrpost.authorize; env: ROHRPOST_SQL_AUTHORIZE_FUNCTION)")
    var sqlAuthorizeFunction: String?

    @Option(help: "How long a SQL authorization answer is reused per token claims and group (e.g. 5s; 0 never). (default: 5s; env: ROHRPOST_AUTHORIZATION_CACHE)")
    var authorizationCache: String?

    /// What the relay runs with: its access policy, the services that keep it current, and
    /// the query pool to shut down at the end.
    struct Setup {
        var policy: any AccessPolicy
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var pool: QueryPool?
        /// Checks tokens with the current keys; nil without JWT.
        var tokenVerifier: (@Sendable () -> TokenVerifier)?
    }

    /// The access setup these options and the environment describe.
    ///
    /// - Parameter openByDefault: Whether no key and no `--auth` means open access (the
    ///   demo) rather than a refusal to start (`serve`).
    func setUp(databaseURL: String, openByDefault: Bool, logger: Logger) async throws -> Setup {
        // An empty variable counts as unset, as for every other option (OptionEnvironment).
        let environment = OptionEnvironment().variables.filter { !$0.value.isEmpty }
        let sources = try keySources(environment)
        Self.rememberSecrets(sources)
        let mode = auth ?? environment["ROHRPOST_AUTH"]
        switch mode?.lowercased() {
        case "none":
            if !sources.isEmpty { throw StartupError("--auth none: JWT keys are configured too; drop them or the --auth none") }
            logger.warning("authentication is off (--auth none): anyone who reaches the port may subscribe to every group")
            return Setup(policy: OpenAccess())
        case nil where sources.isEmpty:
            guard openByDefault else {
                throw StartupError(
                    "no JWT key is configured: set ROHRPOST_JWT_SECRET, --jwt-secret-file, --jwt-public-key-file or --jwks-file, or pass --auth none to serve without authentication")
            }
            logger.warning("the demo runs without authentication: anyone may subscribe to every group")
            return Setup(policy: OpenAccess())
        case "jwt"?, nil:
            break
        case let other?:
            throw StartupError("--auth (ROHRPOST_AUTH): '\(other)' is neither jwt nor none")
        }
        guard !sources.isEmpty else {
            throw StartupError("--auth jwt: no JWT key is configured; set ROHRPOST_JWT_SECRET, --jwt-secret-file, --jwt-public-key-file or --jwks-file")
        }
        let store: KeyStore
        do {
            store = try await KeyStore(sources: sources)
        } catch let error as AuthError {
            throw StartupError(error.message)
        }
        let authorization = try groupAuthorization(environment, databaseURL: databaseURL, logger: logger)
        let requirements = try requirements(environment)
        // Counted with swift-metrics' global factory: the Prometheus registry /metrics serves.
        let rejections = TokenRejections(logger: logger) { reason in
            Counter(label: "rohrpost_token_rejections_total", dimensions: [("reason", reason)]).increment()
        }
        let policy = TokenAccessPolicy(
            keys: store, requirements: requirements, authorization: authorization.rule, logger: logger, rejections: rejections)
        logger.info(
            "JWT authentication on",
            metadata: [
                "jwt.algorithms": "\(store.keys.algorithms.map(\.rawValue).sorted().joined(separator: ","))",
                "authorization": "\(authorization.mode.rawValue)",
            ])
        return Setup(
            policy: policy, services: [.init(service: KeyReloader(store: store, logger: logger))], pool: authorization.pool,
            tokenVerifier: { TokenVerifier(keys: store.keys, requirements: requirements) })
    }

    /// Tells the log redactor the HMAC secret, given or in its file, so it is never shown.
    private static func rememberSecrets(_ sources: KeySources) {
        let fromFile = sources.hmacSecretFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        SecretRedactor.process.withLock { redactor in
            redactor.add(sources.hmacSecret)
            redactor.add(fromFile?.trimmingCharacters(in: .newlines))
        }
    }

    private func keySources(_ environment: [String: String]) throws -> KeySources {
        var sources = KeySources()
        sources.hmacSecret = jwtSecret ?? environment["ROHRPOST_JWT_SECRET"]
        sources.hmacSecretFile = jwtSecretFile ?? environment["ROHRPOST_JWT_SECRET_FILE"]
        sources.publicKeyFiles =
            jwtPublicKeyFile.isEmpty ? Self.list(environment["ROHRPOST_JWT_PUBLIC_KEY_FILE"]) : jwtPublicKeyFile
        sources.jwksFile = jwksFile ?? environment["ROHRPOST_JWKS_FILE"]
        if let text = jwtAlgorithms ?? environment["ROHRPOST_JWT_ALGORITHMS"] {
            sources.allowedAlgorithms = Set(
                try Self.list(text).map { name in
                    guard let algorithm = SigningAlgorithm(name: name) else {
                        throw StartupError(
                            "--jwt-algorithms (ROHRPOST_JWT_ALGORITHMS): '\(name)' is not one of \(SigningAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return algorithm
                })
        }
        return sources
    }

    private func requirements(_ environment: [String: String]) throws -> ClaimRequirements {
        var requirements = ClaimRequirements()
        requirements.audience = jwtAudience ?? environment["ROHRPOST_JWT_AUDIENCE"]
        requirements.issuer = jwtIssuer ?? environment["ROHRPOST_JWT_ISSUER"]
        if let text = jwtLeeway ?? environment["ROHRPOST_JWT_LEEWAY"] {
            requirements.leeway = try JournalOptions.duration(text, option: "--jwt-leeway (ROHRPOST_JWT_LEEWAY)")
        }
        return requirements
    }

    private func groupAuthorization(
        _ environment: [String: String], databaseURL: String, logger: Logger
    ) throws -> (rule: GroupAuthorization, mode: AuthorizationMode, pool: QueryPool?) {
        let claims = ClaimsAuthorizer(claim: groupsClaim ?? environment["ROHRPOST_GROUPS_CLAIM"] ?? "groups")
        let text = authorization ?? environment["ROHRPOST_AUTHORIZATION"] ?? "claims"
        guard let mode = AuthorizationMode(rawValue: text.lowercased()) else {
            throw StartupError("--authorization (ROHRPOST_AUTHORIZATION): '\(text)' is not one of claims, sql, both")
        }
        guard mode != .claims else { return (.claims(claims), mode, nil) }
        let cache = try JournalOptions.duration(
            authorizationCache ?? environment["ROHRPOST_AUTHORIZATION_CACHE"] ?? "5s", option: "--authorization-cache (ROHRPOST_AUTHORIZATION_CACHE)")
        let pool = QueryPool(connectionString: databaseURL, size: 2, applicationName: "rohrpost-relay auth", logger: logger)
        let sql: SQLAuthorizer
        do {
            sql = try SQLAuthorizer(
                pool: pool, function: sqlAuthorizeFunction ?? environment["ROHRPOST_SQL_AUTHORIZE_FUNCTION"] ?? "rohrpost.authorize",
                cacheDuration: cache, logger: logger)
        } catch {
            pool.shutdown()
            throw error
        }
        return (mode == .sql ? .sql(sql) : .both(claims, sql), mode, pool)
    }

    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// A reason the relay will not start, printed as one line.
struct StartupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
