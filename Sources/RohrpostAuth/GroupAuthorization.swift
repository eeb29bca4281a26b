/// Which rule decides whether a verified token may join a group.
public enum GroupAuthorization: Sendable {
    /// The token's groups claim lists a matching pattern.
    case claims(ClaimsAuthorizer)
    /// The SQL function says yes.
    case sql(SQLAuthorizer)
    /// Both say yes; the claim is checked first, so a refusal costs no query.
    case both(ClaimsAuthorizer, SQLAuthorizer)

    /// The claims rule, when it takes part.
    var claims: ClaimsAuthorizer? {
        switch self {
        case .claims(let claims), .both(let claims, _): claims
        case .sql: nil
        }
    }

    /// The SQL rule, when it takes part.
    var sql: SQLAuthorizer? {
        switch self {
        case .sql(let sql), .both(_, let sql): sql
        case .claims: nil
        }
    }
}

/// How group authorization is chosen on the command line: `claims`, `sql` or `both`.
public enum AuthorizationMode: String, Sendable, Hashable, CaseIterable {
    case claims, sql, both
}
