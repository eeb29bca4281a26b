import Foundation
import RelayTestSupport
import RohrpostProtocol
import RohrpostRelay
import Testing

/// Custom handlers: what rohrpost-js's `client.call(name, data)` reaches, in Swift and SQL.
@Suite struct HandlerTests {
    /// A relay with a few Swift handlers and a short handler timeout.
    static func configure(_ configuration: inout RelayConfiguration) {
        configuration.server.handlerTimeout = .milliseconds(300)
        try! configuration.handlers.register("add") { request, _ in
            let numbers = [request.data?["a"], request.data?["b"]].compactMap { $0?.numberValue.flatMap { Int($0.text) } }
            guard numbers.count == 2 else { throw HandlerFailure("add needs integers a and b") }
            return ["sum": .number(JSONNumber(numbers[0] + numbers[1]))]
        }
        try! configuration.handlers.register("crash") { _, _ in throw CocoaError(.fileNoSuchFile) }
        try! configuration.handlers.register("slow") { _, _ in
            try await Task.sleep(for: .seconds(60))  // longer than any timeout here; cancelled by it
            return nil
        }
        try! configuration.handlers.register("echo-later") { request, _ in
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...50)))
            return request.data
        }
    }

    @Test func swiftHandlerAnswersWithItsData() async throws {
        try await LiveRelay.with(configure: Self.configure) { live in
            let client = try await live.connect()
            #expect(try await client.request(#"{"id": 1, "type": "add", "auth_jwt": "", "data": {"a": 2, "b": 40}}"#)
                == #"{"id":1,"type":"add","data":{"sum":42}}"#)
        }
    }

    @Test func handlerErrorsReachTheClientAsTextWithoutInternals() async throws {
        try await LiveRelay.with(configure: Self.configure) { live in
            let client = try await live.connect()
            #expect(try await client.request(#"{"id": 2, "type": "add", "data": {"a": "x"}}"#)
                == #"{"id":2,"type":"add","error":"add needs integers a and b"}"#)
            #expect(try await client.request(#"{"id": 3, "type": "crash"}"#)
                == #"{"id":3,"type":"crash","error":"Internal error while handling the request."}"#)
            #expect(try await client.request(#"{"id": 4, "type": "slow"}"#)
                == #"{"id":4,"type":"slow","error":"The request timed out."}"#)
            #expect(try await client.request(#"{"id": 5, "type": "nothing"}"#)
                == #"{"id":5,"type":"nothing","error":"Unknown message type 'nothing'."}"#)
        }
    }

    @Test func slowHandlerHoldsUpNeitherPingsNorEvents() async throws {
        let configure: (inout RelayConfiguration) -> Void = { configuration in
            Self.configure(&configuration)
            // Outlasts the ping and the event below, also on a machine busy enough to take
            // seconds over them.
            configuration.server.handlerTimeout = .seconds(8)
        }
        try await LiveRelay.with(configure: configure, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            try await client.send(text: #"{"id": 10, "type": "slow"}"#)
            #expect(try await client.request(#"{"id": 11, "type": "ping"}"#) == #"{"id":11,"type":"pong"}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'meanwhile')")
            #expect(try await client.receiveEvent().object["title"] as? String == "meanwhile")
            #expect(try await client.receive(timeout: .seconds(15)) == .text(#"{"id":10,"type":"slow","error":"The request timed out."}"#))
        }
    }

    @Test func thousandCallsInFlightOnOneConnectionAreAnsweredWithTheirIds() async throws {
        let configure: (inout RelayConfiguration) -> Void = { configuration in
            Self.configure(&configuration)
            configuration.server.messageBurst = 1_000  // all thousand sent at once
        }
        try await LiveRelay.with(configure: configure) { live in
            let client = try await live.connect()
            for id in 1...1_000 {
                try await client.send(text: #"{"id": \#(id), "type": "echo-later", "data": {"n": \#(id)}}"#)
            }
            var answered = Set<Int>()
            for _ in 1...1_000 {
                let reply = try await client.receiveJSON()
                let id = reply["id"] as? Int ?? -1
                #expect((reply["data"] as? [String: Any])?["n"] as? Int == id)
                answered.insert(id)
            }
            #expect(answered == Set(1...1_000))
        }
    }

    @Test func registeringANameTwiceOrABuiltInNameOrAfterStartIsAnError() async throws {
        var registry = HandlerRegistry()
        try registry.register("mine") { _, _ in nil }
        #expect(throws: HandlerRegistrationError.self) { try registry.register("mine") { _, _ in nil } }
        #expect(throws: HandlerRegistrationError.self) { try registry.register("ping") { _, _ in nil } }
        try await LiveRelay.with { live in
            #expect(throws: RelayError.self) { try live.relay.handle("late") { _, _ in nil } }
        }
    }
}

/// SQL functions as handlers: `--sql-handlers api`.
@Suite struct SQLHandlerTests {
    static let functions = todoTable + """
        CREATE SCHEMA api;
        CREATE FUNCTION api.greet(claims jsonb, data jsonb) RETURNS jsonb LANGUAGE sql
            AS $$ SELECT jsonb_build_object('hello', data->>'name', 'claims', claims) $$;
        CREATE FUNCTION api.fail(claims jsonb, data jsonb) RETURNS jsonb LANGUAGE plpgsql
            AS $$ BEGIN RAISE EXCEPTION 'name is taken' USING DETAIL = 'secret internals'; END $$;
        CREATE FUNCTION public.secret(claims jsonb, data jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT '1'::jsonb $$;
        """

    @Test func sqlFunctionAnswersRequestsOfItsName() async throws {
        try await LiveRelay.with(configure: { $0.sqlHandlersSchema = "api" }, setUp: Self.functions) { live in
            let client = try await live.connect()
            #expect(try await client.request(#"{"id": 1, "type": "greet", "data": {"name": "Ada"}}"#)
                == #"{"id":1,"type":"greet","data":{"hello":"Ada","claims":{}}}"#)
        }
    }

    @Test func postgresErrorBecomesTheReplysErrorWithoutDetails() async throws {
        try await LiveRelay.with(configure: { $0.sqlHandlersSchema = "api" }, setUp: Self.functions) { live in
            let client = try await live.connect()
            #expect(try await client.request(#"{"id": 2, "type": "fail"}"#) == #"{"id":2,"type":"fail","error":"name is taken"}"#)
        }
    }

    @Test func callsGetThroughAfterTheQueryConnectionsWereTerminatedAndSayWhenTheDatabaseIsDown() async throws {
        let cluster = try await PostgresCluster.start()
        defer { cluster.destroy() }
        try await LiveRelay.with(cluster: cluster, configure: { $0.sqlHandlersSchema = "api" }, setUp: Self.functions) { live in
            let client = try await live.connect()
            let greet = #"{"id": 1, "type": "greet", "data": {"name": "Ada"}}"#
            let answer = #"{"id":1,"type":"greet","data":{"hello":"Ada","claims":{}}}"#
            #expect(try await client.request(greet) == answer)
            #expect(try await cluster.terminateBackends(applicationName: "rohrpost-relay query") >= 1)
            #expect(try await client.request(greet) == answer, "a dead pooled connection is replaced before the call")
            try await cluster.stop()
            #expect(try await client.request(greet) == #"{"id":1,"type":"greet","error":"The database cannot be reached; try again."}"#)
            try await cluster.start()
            #expect(try await client.request(greet) == answer)
        }
    }

    @Test func onlyFunctionsOfTheHandlerSchemaCanBeCalledAndNamesAreNeverSQL() async throws {
        try await LiveRelay.with(configure: { $0.sqlHandlersSchema = "api" }, setUp: Self.functions) { live in
            let client = try await live.connect()
            for name in ["secret", "public.secret", #"x\"; DROP TABLE todo; --"#, "greet(null, null); DROP TABLE todo; --", "missing"] {
                let reply = try await client.request(#"{"id": 3, "type": "\#(name)"}"#)
                #expect(reply.contains("Unknown message type"), "\(name): \(reply)")
            }
            #expect(try live.database.query("SELECT to_regclass('public.todo') IS NOT NULL").first?.first == "t")
        }
    }
}
