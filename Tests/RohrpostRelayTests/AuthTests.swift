import Foundation
import JWTKit
import Logging
import RelayTestSupport
import RohrpostAuth
import RohrpostPostgres
import Testing

/// JWT authentication and group authorization against a live relay and real sockets.
@Suite struct AuthTests {
    // MARK: Claims policy

    @Test func validTokenSubscribesAndReceivesEvents() async throws {
        let policy = try await claimsPolicy()
        try await LiveRelay.with(configure: { $0.accessPolicy = policy }, setUp: todoTable) { live in
            let client = try await live.connect()
            let token = try await issue(groups: ["collection-*"])
            #expect(try await client.request(subscribe(3, token: token, #"{"type": "collection", "id": 5}"#))
                == #"{"id":3,"type":"subscribe","data":{"group":"collection-5","position":0}}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (5, 'for the token holder')")
            let event = try await client.receiveEvent()
            #expect(event.group == "collection-5" && event.kind == "create")
        }
    }

    @Test func missingOrInvalidTokenGetsExactlyAccessDenied() async throws {
        let policy = try await claimsPolicy()
        try await LiveRelay.with(configure: { $0.accessPolicy = policy }, setUp: todoTable) { live in
            let client = try await live.connect()
            let wrongKey = try await issue(groups: ["*"], secret: String(repeating: "w", count: 64))
            let unsigned = "eyJhbGciOiJub25lIn0.eyJncm91cHMiOlsiKiJdfQ."
            for token: String? in [nil, "", "not-a-jwt", wrongKey, unsigned] {
                let reply = try await client.request(subscribe(3, token: token, #"{"type": "collection", "id": 5}"#))
                #expect(reply == #"{"id":3,"type":"subscribe","error":"ACCESS_DENIED"}"#, "token \(token ?? "nil")")
            }
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (5, 'secret')")
            try await client.expectNothing(for: .milliseconds(300))
            #expect(try await client.request(#"{"id": 1, "type": "ping"}"#) == #"{"id":1,"type":"pong"}"#, "ping needs no token")
        }
    }

    @Test func tokenWithoutTheGroupGetsAccessDeniedWhetherOrNotTheGroupExists() async throws {
        let policy = try await claimsPolicy()
        try await LiveRelay.with(configure: { $0.accessPolicy = policy }, setUp: todoTable) { live in
            let client = try await live.connect()
            let token = try await issue(groups: ["collection-*"])
            #expect(try await client.request(subscribe(4, token: token, #"{"type": "todo", "id": 1}"#))
                == #"{"id":4,"type":"subscribe","error":"ACCESS_DENIED"}"#)
            #expect(try await client.request(subscribe(5, token: token, #"{"type": "no-such-thing"}"#))
                == #"{"id":5,"type":"subscribe","error":"ACCESS_DENIED"}"#)
            #expect(try await client.request(subscribe(6, token: token, #"{"type": "collection"}"#))
                == #"{"id":6,"type":"subscribe","error":"ACCESS_DENIED"}"#, "collection-* does not match collection")
            let noClaim = try await issue(groups: nil)
            #expect(try await client.request(subscribe(7, token: noClaim, #"{"type": "collection", "id": 5}"#))
                == #"{"id":7,"type":"subscribe","error":"ACCESS_DENIED"}"#)
            #expect(try await client.request(#"{"id": 8, "type": "unsubscribe", "data": {"type": "todo", "id": 1}}"#)
                == #"{"id":8,"type":"unsubscribe","data":{"group":"todo-1"}}"#, "unsubscribe needs no token")
        }
    }

    @Test func expiringTokenClosesTheConnectionWith4401() async throws {
        let policy = try await claimsPolicy()
        try await LiveRelay.with(configure: { $0.accessPolicy = policy }, setUp: todoTable) { live in
            let client = try await live.connect()
            let issued = ContinuousClock.now
            let token = try await issue(groups: ["todo-*"], expiresIn: 2)
            #expect(try await client.request(subscribe(1, token: token, #"{"type": "todo", "id": 1}"#))
                == #"{"id":1,"type":"subscribe","data":{"group":"todo-1","position":0}}"#)
            #expect(try await client.receive(timeout: .seconds(15)) == .close(code: 4401, reason: "token expired"))
            // exp has whole seconds, so the token lives between 1 and 2 s.
            #expect(ContinuousClock.now - issued > .milliseconds(900), "not closed before the token expired")
        }
    }

    @Test func customCallsNeedAValidTokenAndTheirHandlersGetItsClaims() async throws {
        let policy = try await claimsPolicy()
        let setUp = """
            CREATE SCHEMA api;
            CREATE FUNCTION api.whoami(claims jsonb, data jsonb) RETURNS jsonb LANGUAGE sql
                AS $$ SELECT jsonb_build_object('sub', claims->'sub') $$;
            """
        try await LiveRelay.with(configure: { $0.accessPolicy = policy; $0.sqlHandlersSchema = "api" }, setUp: setUp) { live in
            let client = try await live.connect()
            #expect(try await client.request(#"{"id": 1, "type": "whoami"}"#) == #"{"id":1,"type":"whoami","error":"ACCESS_DENIED"}"#)
            #expect(try await client.request(#"{"id": 2, "type": "whoami", "auth_jwt": "garbage"}"#)
                == #"{"id":2,"type":"whoami","error":"ACCESS_DENIED"}"#)
            let token = try await issue(groups: [])
            #expect(try await client.request(#"{"id": 3, "type": "whoami", "auth_jwt": "\#(token)"}"#)
                == #"{"id":3,"type":"whoami","data":{"sub":"user-1"}}"#)
            #expect(try await client.request(#"{"id": 4, "type": "ping"}"#) == #"{"id":4,"type":"pong"}"#, "ping needs no token")
        }
    }

    @Test func expiredTokenIsDenied() async throws {
        let policy = try await claimsPolicy()
        try await LiveRelay.with(configure: { $0.accessPolicy = policy }) { live in
            let client = try await live.connect()
            let token = try await issue(groups: ["*"], expiresIn: -10)
            #expect(try await client.request(subscribe(1, token: token, #"{"type": "todo"}"#))
                == #"{"id":1,"type":"subscribe","error":"ACCESS_DENIED"}"#)
        }
    }

    // MARK: SQL policy

    @Test func sqlPolicyAllowsDeniesAndDeniesWhenTheFunctionRaises() async throws {
        try await withSQLPolicyRelay(mode: .sql, setUp: todoTable + authorizeFunction) { live in
            let client = try await live.connect()
            let token = try await issue(groups: nil, extra: ["todo-1", "boom"])
            #expect(try await client.request(subscribe(1, token: token, #"{"type": "todo", "id": 1}"#))
                == #"{"id":1,"type":"subscribe","data":{"group":"todo-1","position":0}}"#)
            #expect(try await client.request(subscribe(2, token: token, #"{"type": "todo", "id": 2}"#))
                == #"{"id":2,"type":"subscribe","error":"ACCESS_DENIED"}"#)
            #expect(try await client.request(subscribe(3, token: token, #"{"type": "boom"}"#))
                == #"{"id":3,"type":"subscribe","error":"ACCESS_DENIED"}"#, "a function that raises denies")
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'allowed by SQL')")
            #expect(try await client.receiveEvent().group == "todo-1")
        }
    }

    @Test func sqlPolicyAsksAgainOnAFreshConnectionAndWaitsForADatabaseThatIsDownInsteadOfDenying() async throws {
        let cluster = try await PostgresCluster.start()
        defer { cluster.destroy() }
        try await withSQLPolicyRelay(cluster: cluster, mode: .sql, setUp: todoTable + authorizeFunction) { live in
            let client = try await live.connect()
            let token = try await issue(groups: nil, extra: ["todo-1", "todo-2", "todo-3"])
            #expect(try await client.request(subscribe(1, token: token, #"{"type": "todo", "id": 1}"#))
                == #"{"id":1,"type":"subscribe","data":{"group":"todo-1","position":0}}"#)
            #expect(try await cluster.terminateBackends(applicationName: "rohrpost-relay auth") == 1)
            #expect(try await client.request(subscribe(2, token: token, #"{"type": "todo", "id": 2}"#))
                == #"{"id":2,"type":"subscribe","data":{"group":"todo-2","position":0}}"#, "a dead pooled connection is no denial")
            try await cluster.stop()
            guard let reply = try await client.replyHeldUntilPostgresIsBack(
                to: subscribe(3, token: token, #"{"type": "todo", "id": 3}"#), cluster: cluster) else { return }
            #expect(reply == #"{"id":3,"type":"subscribe","data":{"group":"todo-3","position":0}}"#, "allowed once the function answers")
        }
    }

    @Test func bothPolicyNeedsTheClaimAndTheFunction() async throws {
        try await withSQLPolicyRelay(mode: .both, setUp: authorizeFunction) { live in
            let client = try await live.connect()
            // The claim allows todo-*, the function allows todo-1 and todo-2 only.
            let token = try await issue(groups: ["todo-1", "todo-3"], extra: ["todo-1", "todo-2"])
            #expect(try await client.request(subscribe(1, token: token, #"{"type": "todo", "id": 1}"#))
                == #"{"id":1,"type":"subscribe","data":{"group":"todo-1","position":0}}"#)
            #expect(try await client.request(subscribe(2, token: token, #"{"type": "todo", "id": 2}"#))
                == #"{"id":2,"type":"subscribe","error":"ACCESS_DENIED"}"#, "the claim does not allow it")
            #expect(try await client.request(subscribe(3, token: token, #"{"type": "todo", "id": 3}"#))
                == #"{"id":3,"type":"subscribe","error":"ACCESS_DENIED"}"#, "the function does not allow it")
        }
    }
}

// MARK: Fixtures

/// The secret the live tests' tokens are signed with.
private let liveSecret = String(repeating: "live-test-secret", count: 4)

/// A SQL authorization function: allows the groups listed in the `rooms` claim, raises
/// for the group `boom`.
private let authorizeFunction = """
    CREATE FUNCTION rohrpost.authorize(claims jsonb, group_name text) RETURNS boolean
    LANGUAGE plpgsql AS $$
    BEGIN
        IF group_name = 'boom' THEN RAISE EXCEPTION 'authorization exploded'; END IF;
        RETURN claims->'rooms' ? group_name;
    END $$;
    """

/// The claims the live tests' tokens carry.
private struct LiveClaims: JWTPayload {
    var sub: SubjectClaim = "user-1"
    var exp: ExpirationClaim
    var groups: [String]?
    var rooms: [String]?
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// An HS256 token for `groups` (and `rooms`, for the SQL function), valid `expiresIn` seconds.
private func issue(groups: [String]?, extra rooms: [String]? = nil, expiresIn: TimeInterval = 3600, secret: String = liveSecret) async throws -> String {
    let claims = LiveClaims(exp: .init(value: Date().addingTimeInterval(expiresIn)), groups: groups, rooms: rooms)
    return try await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256).sign(claims)
}

/// A subscribe request with `auth_jwt` when a token is given.
private func subscribe(_ id: Int, token: String?, _ data: String) -> String {
    let auth = token.map { #", "auth_jwt": "\#($0)""# } ?? ""
    return #"{"id": \#(id), "type": "subscribe"\#(auth), "data": \#(data)}"#
}

/// The keys of the live tests: the live secret, as `ROHRPOST_JWT_SECRET` gives it.
private func liveKeys() async throws -> KeyStore {
    try await KeyStore(sources: KeySources(hmacSecret: liveSecret))
}

/// The policy the executable builds for a secret and the default `groups` claim.
private func claimsPolicy() async throws -> TokenAccessPolicy {
    TokenAccessPolicy(keys: try await liveKeys(), logger: testLogger)
}

/// The policy for `--authorization sql` or `both`, calling `rohrpost.authorize`.
/// Runs `body` with a relay whose access policy (`mode`) asks `authorize` through a pool of
/// one connection named `rohrpost-relay auth`, so tests can cut that connection.
private func withSQLPolicyRelay(
    cluster: PostgresCluster? = nil, mode: AuthorizationMode, setUp: String, _ body: (LiveRelay) async throws -> Void
) async throws {
    let pool = Box<QueryPool>()
    defer { pool.value?.shutdown() }
    let keys = try await liveKeys()
    try await LiveRelay.with(
        cluster: cluster,
        configure: { configuration in
            let created = QueryPool(
                connectionString: configuration.listener.connectionString, size: 1, applicationName: "rohrpost-relay auth",
                logger: testLogger)
            pool.value = created
            configuration.accessPolicy = try! sqlPolicy(keys, pool: created, mode: mode)
        },
        setUp: setUp, body)
}

private func sqlPolicy(_ keys: KeyStore, pool: QueryPool, mode: AuthorizationMode) throws -> TokenAccessPolicy {
    let sql = try SQLAuthorizer(pool: pool, cacheDuration: .seconds(5), logger: testLogger)
    let rule: GroupAuthorization = mode == .both ? .both(ClaimsAuthorizer(), sql) : .sql(sql)
    return TokenAccessPolicy(keys: keys, authorization: rule, logger: testLogger)
}

/// A value set from a closure that cannot return it.
private final class Box<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    var value: Value? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
