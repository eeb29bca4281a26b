/// Which rule decides whether a verified token may join a group.
public enum GroupAuthorization: Sendable {
    /// The token's groups claim lists a matching pattern.
    case claims(ClaimsAuthorizer)
    /// The SQL function says yes.
    case sql(SQLAuthorizer)
    /// Both say yes; the claim is checked first, so a refusal costs no query.
    case both(ClaimsAuthorizer, SQLAuthorizer)
}

/// How group authorization is chosen on the command line: `claims`, `sql` or `both`.
public enum AuthorizationMode: String, Sendable, Hashable, CaseIterable {
    case claims, sql, both
}
