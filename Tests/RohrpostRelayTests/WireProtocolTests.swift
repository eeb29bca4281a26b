import Foundation
import NIOCore
import NIOWebSocket
import RelayTestSupport
import Testing

/// PROTOCOL.md's rules as a client sees them over a real WebSocket.
@Suite struct WireProtocolTests {
    @Test func pingIsAnsweredWithPongAndItsDataUnchanged() async throws {
        try await LiveRelay.with { live in
            let client = try await live.connect()
            #expect(try await client.request(#"{"id": 1700000000000, "type": "ping"}"#) == #"{"id":1700000000000,"type":"pong"}"#)
            #expect(try await client.request(#"{"id": 7, "type": "ping", "data": {"a": 1}}"#) == #"{"id":7,"type":"pong","data":{"a":1}}"#)
            #expect(try await client.request(#"{"id": 8, "type": "ping", "data": [1, 2]}"#) == #"{"id":8,"type":"pong","data":{"data":[1,2]}}"#)
            #expect(try await client.request(#"{"id": "", "type": "ping"}"#) == #"{"id":"","type":"pong"}"#)
        }
    }

    @Test func subscribeAndUnsubscribeAnswerWithTheGroup() async throws {
        try await LiveRelay.with { live in
            let client = try await live.connect()
            #expect(try await client.request(#"{"id": 3, "type": "subscribe", "auth_jwt": "", "data": {"type": "collection", "id": 5}}"#)
                == #"{"id":3,"type":"subscribe","data":{"group":"collection-5","position":0}}"#)
            #expect(try await client.request(#"{"id": 4, "type": "unsubscribe", "data": {"type": "collection", "id": 5}}"#)
                == #"{"id":4,"type":"unsubscribe","data":{"group":"collection-5"}}"#)
            #expect(try await client.request(#"{"id": 5, "type": "unsubscribe", "data": {"type": "never"}}"#)
                == #"{"id":5,"type":"unsubscribe","data":{"group":"never"}}"#)
        }
    }

    @Test func malformedRequestsGetTheOriginalErrorTextsAndTheConnectionStays() async throws {
        try await LiveRelay.with { live in
            let client = try await live.connect()
            #expect(try await client.request("") == #"{"error":"Received empty message."}"#)
            #expect(try await client.request("{nope").hasPrefix(#"{"error":"Could not decode JSON message. Error: "#))
            #expect(try await client.request("[1]") == #"{"error":"Expected a JSON object as message."}"#)
            #expect(try await client.request(#"{"id": 1}"#) == #"{"error":"Missing required field 'type'."}"#)
            #expect(try await client.request(#"{"type": "ping"}"#) == #"{"error":"Missing required field 'id'."}"#)
            #expect(try await client.request(#"{"id": 9, "type": "frobnicate"}"#) == #"{"id":9,"type":"frobnicate","error":"Unknown message type 'frobnicate'."}"#)
            #expect(try await client.request(#"{"id": 2, "type": "subscribe", "data": {"type": ""}}"#)
                == #"{"id":2,"type":"subscribe","error":"Invalid subscription: data.type must be a non-empty string"}"#)
            try await client.send(binary: [1, 2, 3])
            #expect(try await client.receive() == .text(#"{"error":"Received empty message."}"#))
            #expect(try await client.request(#"{"id": 1, "type": "ping"}"#) == #"{"id":1,"type":"pong"}"#)
        }
    }

    @Test func invalidUTF8ClosesWith1007() async throws {
        try await LiveRelay.with { live in
            let client = try await live.connect()
            var bytes = ByteBuffer()
            bytes.writeBytes([0x7B, 0xFF, 0xFE, 0x7D])
            try await client.send(rawFrame: WebSocketFrame(fin: true, opcode: .text, data: bytes))
            guard case .close(let code, _) = try await client.receive() else {
                Issue.record("expected a close frame")
                return
            }
            #expect(code == 1007)
        }
    }

    @Test func subscribingTwiceDeliversEachEventOnceAndOnlyAfterTheReply() async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#, #"{"type": "collection", "id": 1}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'once')")
            _ = try await client.receiveEvent()
            try await client.expectNothing(for: .milliseconds(300))
        }
    }

    @Test func unsubscribedClientGetsNothingMoreAndClosedClientsLeaveNoTrace() async throws {
        try await LiveRelay.with(setUp: todoTable) { live in
            let staying = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let leaving = try await live.subscriber(#"{"type": "collection", "id": 1}"#, #"{"type": "todo"}"#)
            _ = try await leaving.request(#"{"id": 9, "type": "unsubscribe", "data": {"type": "collection", "id": 1}}"#)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'x')")
            _ = try await staying.receiveEvent()
            try await leaving.expectNothing(for: .milliseconds(300))
            try await leaving.close()
            try await staying.close()
            let deadline = ContinuousClock.now + .seconds(5)
            while await live.relay.counts() != (0, 0), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(await live.relay.counts() == (0, 0))
        }
    }
}
