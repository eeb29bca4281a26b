import RohrpostPostgres
import RohrpostProtocol

/// Answers requests with SQL functions: a request of type `T` calls
/// `schema.T(claims jsonb, data jsonb) RETURNS jsonb` through `rohrpost.call_handler`,
/// which takes both names as identifiers. Only functions in `schema` can ever be called.
struct SQLHandlers: Sendable {
    let schema: String
    let pool: QueryPool

    /// The error a call gets while the database cannot be reached.
    static let unreachableText = "The database cannot be reached; try again."

    /// The reply data from the function for `typeName`; ``UnknownHandler`` when there is
    /// none; a PostgreSQL error's primary message as a ``HandlerFailure``, and
    /// ``unreachableText`` when the database cannot be reached or went away.
    ///
    /// A call runs once. A pooled connection found dead is replaced before the call is sent
    /// (the pool does that); one lost while the function ran is not retried: the function may
    /// write, and its transaction may have committed before the connection broke, so the
    /// client, which knows what it asked for, decides whether to call again.
    func call(_ typeName: String, _ request: Request, _ context: HandlerContext) async throws -> JSONValue? {
        let claims = (context.claims ?? .object([])).jsonText
        let data = (request.data ?? .null).jsonText
        let schema = schema
        let result: String?
        do {
            result = try await pool.run { connection in
                try connection.query(
                    "SELECT rohrpost.call_handler($1, $2, $3::jsonb, $4::jsonb)::text", [schema, typeName, claims, data]
                ).first?.first ?? nil
            }
        } catch let error as PostgresError where error.sqlState == SQLState.noSQLHandler {
            throw UnknownHandler()
        } catch let error as PostgresError where error.code == .queryFailed {
            throw HandlerFailure(error.serverMessage ?? "The handler failed.")
        } catch let error as PostgresError where error.isUnreachable {
            throw HandlerFailure(Self.unreachableText)
        }
        guard let result else { return nil }
        return try JSONValue(parsing: Array(result.utf8))
    }
}
