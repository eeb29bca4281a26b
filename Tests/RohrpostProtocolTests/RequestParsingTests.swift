import Testing
import RohrpostProtocol

@Suite("Requests and malformed messages")
struct RequestParsingTests {
    @Test func answersEmptyMessage() {
        #expect(answer("") == #"{"error":"Received empty message."}"#)
    }

    @Test func answersWhitespaceOnlyMessageAsUndecodable() {
        #expect(answer(" ") == #"{"error":"Could not decode JSON message. Error: Unexpected end of input at offset 1"}"#)
    }

    @Test func answersBinaryFrameAsEmptyMessage() {
        #expect(text(MalformedMessage.empty.reply.encoded()) == #"{"error":"Received empty message."}"#)
    }

    @Test func answersTextThatIsNotJSON() {
        #expect(answer("hello") == #"{"error":"Could not decode JSON message. Error: Unexpected character 'h' at offset 0"}"#)
    }

    @Test func answersTruncatedJSON() {
        #expect(answer(#"{"id": 1, "type": "ping""#) == #"{"error":"Could not decode JSON message. Error: Unexpected end of input at offset 24"}"#)
    }

    @Test func answersTrailingCommaAsUndecodable() {
        #expect(answer(#"{"id":1,"type":"ping",}"#) == #"{"error":"Could not decode JSON message. Error: Unexpected character '}' at offset 22"}"#)
    }

    @Test func answersDeeplyNestedMessageWithDecodeError() {
        let message = #"{"id":1,"type":"ping","data":"# + String(repeating: "[", count: 30_000)
        #expect(answer(message) == #"{"error":"Could not decode JSON message. Error: Nesting deeper than 512 levels at offset 540"}"#)
    }

    @Test(arguments: ["[1]", #""ping""#, "5", "null", "true", "[]"])
    func answersJSONThatIsNotAnObject(message: String) {
        #expect(answer(message) == #"{"error":"Expected a JSON object as message."}"#)
    }

    @Test func answersMissingType() {
        #expect(answer(#"{"id": 1}"#) == #"{"error":"Missing required field 'type'."}"#)
    }

    @Test func answersMissingID() {
        #expect(answer(#"{"type": "ping"}"#) == #"{"error":"Missing required field 'id'."}"#)
    }

    @Test func checksTypeBeforeID() {
        #expect(answer(#"{"data": {}}"#) == #"{"error":"Missing required field 'type'."}"#)
    }

    @Test func reportsWhichCheckFailed() throws {
        let error = try #require(throws: MalformedMessage.self) {
            try Request(parsing: Array(#"{"type":"ping"}"#.utf8))
        }
        #expect(error.code == .missingID)
    }

    @Test func readsAllRequestFields() throws {
        let message = #"{"id":3,"type":"subscribe","auth_jwt":"a.b.c","data":{"type":"todo"}}"#
        let request = try Request(parsing: Array(message.utf8))
        #expect(request == Request(id: 3, type: "subscribe", authJWT: "a.b.c", data: ["type": "todo"]))
    }

    @Test func keepsEmptyToken() throws {
        let request = try Request(parsing: Array(#"{"id":1,"type":"x","auth_jwt":""}"#.utf8))
        #expect(request.authJWT == "")
    }

    @Test func treatsNonStringTokenAsAbsent() throws {
        let request = try Request(parsing: Array(#"{"id":1,"type":"x","auth_jwt":5}"#.utf8))
        #expect(request.authJWT == nil)
    }

    @Test func keepsNullDataAsPresent() throws {
        let request = try Request(parsing: Array(#"{"id":1,"type":"x","data":null}"#.utf8))
        #expect(request.data == .null)
    }

    @Test func ignoresUnknownExtraKeys() throws {
        let request = try Request(parsing: Array(#"{"extra":[1],"id":1,"type":"ping","more":{}}"#.utf8))
        #expect(request == Request(id: 1, type: "ping"))
    }

    @Test func usesLastOfDuplicateKeys() throws {
        let request = try Request(parsing: Array(#"{"id":1,"type":"x","id":2}"#.utf8))
        #expect(request.id == 2)
    }

    @Test func parsesFromRawBufferPointer() throws {
        let bytes = Array(#"{"id":1,"type":"ping"}"#.utf8)
        let request = try bytes.withUnsafeBytes { raw in try Request(parsing: raw) }
        #expect(request.typeName == "ping")
    }

    @Test func rejectsEmptyRawBufferPointer() throws {
        let error = try #require(throws: MalformedMessage.self) {
            try [UInt8]().withUnsafeBytes { raw in try Request(parsing: raw) }
        }
        #expect(error == .empty)
    }
}
