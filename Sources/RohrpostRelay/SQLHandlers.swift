import RohrpostPostgres
import RohrpostProtocol

/// Answers requests with SQL functions: a request of type `T` calls
/// `schema.T(claims jsonb, data jsonb) RETURNS jsonb` through `rohrpost.call_handler`,
/// which takes both names as identifiers. Only functions in `schema` can ever be called.
struct SQLHandlers: Sendable {
    let schema: String
    let pool: QueryPool

    /// The reply data from the function for `typeName`; ``UnknownHandler`` when there is
    /// none; a PostgreSQL error's primary message as a ``HandlerFailure``.
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
        } catch let error as PostgresError where error.sqlState == "RPNOH" {
            throw UnknownHandler()
        } catch let error as PostgresError where error.code == .queryFailed {
            throw HandlerFailure(error.serverMessage ?? "The handler failed.")
        }
        guard let result else { return nil }
        return try JSONValue(parsing: Array(result.utf8))
    }
}
