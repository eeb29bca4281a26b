import Testing
import RohrpostProtocol

@Suite("unknown message types")
struct UnknownTypeTests {
    @Test func answersUnknownType() {
        #expect(answer(#"{"id": 9, "type": "frobnicate"}"#) == #"{"id":9,"type":"frobnicate","error":"Unknown message type 'frobnicate'."}"#)
    }

    @Test func dispatchesUnknownTypeToOtherByName() throws {
        let request = try Request(parsing: Array(#"{"id":9,"type":"frobnicate","data":{"a":1}}"#.utf8))
        #expect(request.command == .other(typeName: "frobnicate"))
    }

    @Test func matchesTypeNamesCaseSensitively() {
        #expect(answer(#"{"id":9,"type":"Ping"}"#) == #"{"id":9,"type":"Ping","error":"Unknown message type 'Ping'."}"#)
    }

    @Test func answersEmptyType() {
        #expect(answer(#"{"id":9,"type":""}"#) == #"{"id":9,"type":"","error":"Unknown message type ''."}"#)
    }

    @Test func escapesTypeInErrorText() {
        #expect(answer(#"{"id":9,"type":"a\"b"}"#) == #"{"id":9,"type":"a\"b","error":"Unknown message type 'a\"b'."}"#)
    }

    @Test func answersNumberTypeWithItsJSONText() {
        #expect(answer(#"{"id":9,"type":5}"#) == #"{"id":9,"type":5,"error":"Unknown message type '5'."}"#)
    }

    @Test func answersNullTypeWithItsJSONText() {
        #expect(answer(#"{"id":9,"type":null}"#) == #"{"id":9,"type":null,"error":"Unknown message type 'null'."}"#)
    }

    @Test func answersObjectTypeWithItsJSONText() {
        #expect(answer(#"{"id":9,"type":{"a": [1, 2]}}"#) == #"{"id":9,"type":{"a":[1,2]},"error":"Unknown message type '{\"a\":[1,2]}'."}"#)
    }

    @Test func dispatchesNonStringTypeToInvalid() throws {
        let request = try Request(parsing: Array(#"{"id":9,"type":true}"#.utf8))
        #expect(request.command == .invalid(Reply(id: 9, type: true, error: "Unknown message type 'true'.")))
    }
}
