import Logging
import RohrpostPostgres
import RohrpostProtocol

/// Asks a SQL function the team writes, by default
/// `rohrpost.authorize(claims jsonb, group_name text) returns boolean`, whether a token's
/// claims allow a group. Only `true` allows: `false`, NULL, an error the function raises,
/// and a database that cannot be reached all deny.
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

    /// Calls `completion` with whether `claims` may subscribe to `group`, on any thread.
    public func authorize(_ claims: JSONValue, subscribeTo group: String, completion: @escaping @Sendable (Bool) -> Void) {
        let key = CacheKey(claims: claims.jsonText, group: group)
        if let cached = cache.decision(for: key) {
            completion(cached)
            return
        }
        let sql = "SELECT \(function)($1::jsonb, $2::text)"
        let cache = cache
        let logger = logger
        pool.submit { connection in
            do {
                let rows = try connection.get().query(sql, [key.claims, group])
                let allowed = rows.first?.first == "t"
                cache.store(allowed, for: key)
                completion(allowed)
            } catch let error as PostgresError {
                // A function that raises denies, and keeps denying for the cache's time; a
                // lost connection is not remembered.
                if error.sqlState != nil { cache.store(false, for: key) }
                logger.debug("SQL authorization failed; denying", metadata: ["group": "\(group)", "error": "\(error)"])
                completion(false)
            } catch {
                logger.debug("SQL authorization failed; denying", metadata: ["group": "\(group)", "error": "\(error)"])
                completion(false)
            }
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
