import Logging
import RohrpostPostgres
import RohrpostProtocol

/// Asks a SQL function the team writes, by default
/// `rohrpost.authorize(claims jsonb, group_name text) returns boolean`, whether a token's
/// claims allow a group. Only `true` allows: `false`, NULL and an error the function raises
/// deny. A database that cannot be reached does not deny: the subscribe waits until the
/// function can be called.
public final class SQLAuthorizer: Sendable {
    /// The function called, as a (schema-qualified) name.
    public let function: String
    private let pool: QueryPool
    private let cache: DecisionCache<CacheKey>
    private let logger: Logger

    private struct CacheKey: Hashable, Sendable {
        let claims: String
        let group: String
    }

    /// Creates an authorizer that calls `function` through `pool` and remembers each answer
    /// for `cacheDuration` (0 remembers nothing).
    ///
    /// - Parameters:
    ///   - function: A function name such as `rohrpost.authorize` (letters, digits and `_`,
    ///     optionally schema-qualified). Defaults to `rohrpost.authorize`.
    ///   - cacheDuration: How long an answer per (claims, group) is reused. Defaults to 5 s.
    /// - Throws: ``AuthError`` when `function` is not a plain (qualified) name.
    public init(pool: QueryPool, function: String = "rohrpost.authorize", cacheDuration: Duration = .seconds(5), logger: Logger) throws {
        guard Self.isQualifiedName(function) else {
            throw AuthError(.invalidConfiguration, "--sql-authorize-function: '\(function)' is not a function name such as rohrpost.authorize")
        }
        self.function = function
        self.pool = pool
        self.cache = DecisionCache(lifetime: cacheDuration)
        self.logger = logger
    }

    /// Whether `claims` may subscribe to `group`.
    public func authorize(_ claims: JSONValue, subscribeTo group: String) async -> Bool {
        let key = CacheKey(claims: claims.jsonText, group: group)
        if let cached = cache.decision(for: key) {
            return cached
        }
        let sql = "SELECT \(function)($1::jsonb, $2::text)"
        // A database that went away is no answer: the call runs again on a fresh connection,
        // and while the database cannot be reached the subscribe waits for it (a denial
        // would tell the client it may not, and rohrpost-js never asks again). Running the
        // function twice is what a second subscribe does anyway: it decides, it does not write.
        do {
            let allowed = try await pool.read(waitingForDatabase: true) { connection in
                try connection.query(sql, [key.claims, group]).first?.first == "t"
            }
            cache.store(allowed, for: key)
            return allowed
        } catch let error as PostgresError where error.sqlState != nil {
            // A function that raises denies, and keeps denying for the cache's time.
            cache.store(false, for: key)
            logger.debug("SQL authorization failed; denying", metadata: ["group": "\(group)", "error": "\(error)"])
            return false
        } catch {
            // The relay is stopping (its clients are being closed), or the connection
            // kept breaking mid-call: deny this once, remember nothing.
            logger.warning("SQL authorization failed; denying", metadata: ["group": "\(group)", "error": "\(error)"])
            return false
        }
    }

    /// Whether `name` is `identifier` or `schema.identifier` of unquoted SQL identifiers.
    static func isQualifiedName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
            return part.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
        }
    }
}
