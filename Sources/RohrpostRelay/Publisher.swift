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
            let id = try await pool.run { connection in try Self.send(request, on: connection) }
            return PublishAnswer(status: 200, json: #"{"id":\#(id)}"#)
        } catch let error as PostgresError {
            return .error(503, "cannot send through the database: \(error.serverMessage ?? error.message)")
        } catch {
            return .error(503, "cannot send through the database: \(error)")
        }
    }

    /// Sends `request` in a transaction of its own and returns its position once committed:
    /// the transaction's only event, so its block's first position.
    private static func send(_ request: PublishRequest, on connection: PostgresConnection) throws -> Int64 {
        let groups = JSONValue.array(request.groups.map(JSONValue.string)).jsonText
        try connection.execute("BEGIN")
        let xid: String?
        do {
            _ = try connection.query(
                "SELECT rohrpost.send(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)), $2, $3::jsonb)",
                [groups, request.type, request.object])
            xid = try connection.query("SELECT pg_current_xact_id()::text").first?.first ?? nil
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        guard let xid else { throw PostgresError(.unexpectedResult, "the message committed but its transaction is unknown") }
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
