import Testing
import RohrpostProtocol

@Suite("ping")
struct PingTests {
    @Test func answersPingWithoutData() {
        #expect(answer(#"{"id": 1700000000000, "type": "ping"}"#) == #"{"id":1700000000000,"type":"pong"}"#)
    }

    @Test func echoesObjectData() {
        #expect(answer(#"{"id": 7, "type": "ping", "data": {"a": 1}}"#) == #"{"id":7,"type":"pong","data":{"a":1}}"#)
    }

    @Test func wrapsArrayData() {
        #expect(answer(#"{"id": 8, "type": "ping", "data": [1, 2]}"#) == #"{"id":8,"type":"pong","data":{"data":[1,2]}}"#)
    }

    @Test func wrapsStringData() {
        #expect(answer(#"{"id":8,"type":"ping","data":"hi"}"#) == #"{"id":8,"type":"pong","data":{"data":"hi"}}"#)
    }

    @Test func wrapsNullData() {
        #expect(answer(#"{"id":8,"type":"ping","data":null}"#) == #"{"id":8,"type":"pong","data":{"data":null}}"#)
    }

    @Test func echoesEmptyObjectData() {
        #expect(answer(#"{"id":8,"type":"ping","data":{}}"#) == #"{"id":8,"type":"pong","data":{}}"#)
    }

    @Test func echoesDataNumbersDigitForDigit() {
        #expect(answer(#"{"id":1,"type":"ping","data":{"x":1.10,"y":[1e400,-0]}}"#) == #"{"id":1,"type":"pong","data":{"x":1.10,"y":[1e400,-0]}}"#)
    }

    @Test func echoesDataKeyOrder() {
        #expect(answer(#"{"id":1,"type":"ping","data":{"b":1,"a":2}}"#) == #"{"id":1,"type":"pong","data":{"b":1,"a":2}}"#)
    }

    @Test func echoesZeroID() {
        #expect(answer(#"{"id":0,"type":"ping"}"#) == #"{"id":0,"type":"pong"}"#)
    }

    @Test func echoesEmptyStringID() {
        #expect(answer(#"{"id":"","type":"ping"}"#) == #"{"id":"","type":"pong"}"#)
    }

    @Test func echoesStringID() {
        #expect(answer(#"{"id":"req-\u00e9","type":"ping"}"#) == #"{"id":"req-é","type":"pong"}"#)
    }

    @Test func echoesBigIntegerIDDigitForDigit() {
        #expect(answer(#"{"id":12345678901234567890,"type":"ping"}"#) == #"{"id":12345678901234567890,"type":"pong"}"#)
    }

    @Test func echoesDecimalIDDigitForDigit() {
        #expect(answer(#"{"id":1.50,"type":"ping"}"#) == #"{"id":1.50,"type":"pong"}"#)
    }

    @Test func echoesExponentID() {
        #expect(answer(#"{"id":-2.5E+10,"type":"ping"}"#) == #"{"id":-2.5E+10,"type":"pong"}"#)
    }

    @Test func echoesNonNumberNonStringID() {
        #expect(answer(#"{"id":null,"type":"ping"}"#) == #"{"id":null,"type":"pong"}"#)
    }

    @Test func needsNoToken() {
        #expect(answer(#"{"id":2,"type":"ping","auth_jwt":"bad"}"#) == #"{"id":2,"type":"pong"}"#)
    }

    @Test func ignoresUnknownExtraKeys() {
        #expect(answer(#"{"id":2,"type":"ping","foo":[1,{}]}"#) == #"{"id":2,"type":"pong"}"#)
    }

    @Test func dispatchesToPingCommand() throws {
        let request = try Request(parsing: Array(#"{"id":2,"type":"ping","data":[1]}"#.utf8))
        #expect(request.command == .ping(data: [1]))
    }
}
