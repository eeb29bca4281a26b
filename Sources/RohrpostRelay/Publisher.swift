import Foundation
import RohrpostAuth
import RohrpostPostgres
import RohrpostProtocol
import RohrpostServer

/// Answers `POST /publish`: checks the bearer token and its `publish` claim, reads the
/// body, and sends the message with `rohrpost.send` in a transaction of its own; answers
/// with the message's id once it committed.
struct Publisher: Sendable {
    let configuration: PublishConfiguration
    let pool: QueryPool
    let metrics: RelayMetrics

    /// The endpoint the server serves.
    var endpoint: PublishEndpoint {
        PublishEndpoint(path: configuration.path, maximumBodySize: configuration.maximumBodySize) { authorization, body in
            let answer = await answer(authorization: authorization, body: body)
            metrics.published(status: answer.status)
            return answer
        }
    }

    func answer(authorization: String?, body: [UInt8]) async -> PublishAnswer {
        guard let token = Self.bearerToken(authorization) else {
            return .error(401, "a bearer token is required: Authorization: Bearer <JWT>")
        }
        let claims: JSONValue
        do {
            claims = try configuration.verifier().verify(token).claims
        } catch {
            return .error(401, "the token is not accepted: \(error.description)")
        }
        let request: PublishRequest
        do {
            request = try PublishRequest(parsing: body)
        } catch {
            return .error(400, error.message)
        }
        let grant = ClaimsAuthorizer(claim: configuration.claim)
        guard !grant.patterns(in: claims).isEmpty else {
            return .error(403, "the token has no '\(configuration.claim)' claim listing the groups it may publish to")
        }
        if let refused = request.groups.first(where: { !grant.allows(claims, subscribeTo: $0) }) {
            return .error(403, "the token's '\(configuration.claim)' claim does not allow group '\(refused)'")
        }
        do {
            let id = try await Self.publish(request, through: pool)
            return PublishAnswer(status: 200, json: #"{"id":\#(id)}"#)
        } catch let error as PostgresError {
            return .error(503, "cannot send through the database: \(error.serverMessage ?? error.message)")
        } catch {
            return .error(503, "cannot send through the database: \(error)")
        }
    }

    /// Sends `request` in a transaction of its own and returns its position once committed,
    /// never sending it twice.
    ///
    /// A connection that broke before COMMIT was sent took the transaction with it
    /// (PostgreSQL rolls back the transaction of a session that ends), so the message is
    /// sent once more on a fresh connection. One that broke during COMMIT may have
    /// committed: a fresh connection asks PostgreSQL what became of the transaction, and the
    /// message is sent again only if it was rolled back.
    static func publish(_ request: PublishRequest, through pool: QueryPool) async throws -> Int64 {
        var lastError: PostgresError?
        for _ in 0..<2 {
            switch try await pool.run({ connection in Self.commit(request, on: connection) }) {
            case .committed(let xid):
                return try await pool.read { connection in try Self.position(of: xid, on: connection) }
            case .rolledBack(let error) where error.isUnreachable:
                lastError = error
            case .rolledBack(let error):
                throw error
            case .unknown(let xid, let error):
                let status = try await pool.read { connection in
                    try connection.query("SELECT pg_xact_status($1::xid8)", [xid]).first?.first ?? nil
                }
                switch status {
                case "committed":
                    return try await pool.read { connection in try Self.position(of: xid, on: connection) }
                case "aborted":
                    lastError = error
                default:
                    throw PostgresError(
                        error.code, "\(error.message); the message may have been sent (its transaction is \(status ?? "unknown"))")
                }
            }
        }
        throw lastError ?? PostgresError(.connectionLost, "cannot send through the database")
    }

    /// What became of one attempt to send.
    enum Attempt: Sendable {
        /// Committed as transaction `xid`.
        case committed(xid: String)
        /// Not committed: the error came before COMMIT was sent.
        case rolledBack(PostgresError)
        /// The connection broke during COMMIT of transaction `xid`.
        case unknown(xid: String, PostgresError)
    }

    /// Sends `request` with `rohrpost.send` in a transaction of its own.
    private static func commit(_ request: PublishRequest, on connection: PostgresConnection) -> Attempt {
        let groups = JSONValue.array(request.groups.map(JSONValue.string)).jsonText
        let xid: String
        do {
            try connection.execute("BEGIN")
            _ = try connection.query(
                "SELECT rohrpost.send(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)), $2, $3::jsonb)",
                [groups, request.type, request.object])
            guard let current = try connection.query("SELECT pg_current_xact_id()::text").first?.first ?? nil else {
                throw PostgresError(.unexpectedResult, "the message's transaction has no id")
            }
            xid = current
        } catch {
            try? connection.execute("ROLLBACK")
            return .rolledBack(error as? PostgresError ?? PostgresError(.unexpectedResult, "\(error)"))
        }
        do {
            try connection.execute("COMMIT")
            return .committed(xid: xid)
        } catch let error as PostgresError where error.isUnreachable {
            return .unknown(xid: xid, error)
        } catch {
            // PostgreSQL answered the COMMIT with an error: it rolled back.
            return .rolledBack(error as? PostgresError ?? PostgresError(.unexpectedResult, "\(error)"))
        }
    }

    /// The position of committed transaction `xid`: its block's first, the message being its
    /// only event.
    private static func position(of xid: String, on connection: PostgresConnection) throws -> Int64 {
        // The sequencer numbers it after commit (from the journal or the slot), which takes
        // a moment.
        let deadline = ContinuousClock.now + .seconds(10)
        var position: Int64?
        while position == nil, ContinuousClock.now < deadline {
            position = try connection.query("SELECT position FROM rohrpost.commits WHERE xid = $1::xid8", [xid])
                .first?.first?.flatMap { Int64($0) }
            if position == nil { Thread.sleep(forTimeInterval: 0.005) }
        }
        guard let position else { throw PostgresError(.unexpectedResult, "the message committed but has no position") }
        return position
    }

    /// The token of `Bearer <token>` (the scheme in any case); nil for anything else.
    static func bearerToken(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

extension PublishAnswer {
    /// `{"error": message}` with `status`.
    static func error(_ status: Int, _ message: String) -> PublishAnswer {
        PublishAnswer(status: status, json: JSONValue.object([.init(key: "error", value: .string(message))]).jsonText)
    }
}
