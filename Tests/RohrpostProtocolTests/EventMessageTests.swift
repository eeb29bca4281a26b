import Testing
import RohrpostProtocol

@Suite("event messages")
struct EventMessageTests {
    /// Each message as "<group> <text>", in order.
    private func messages(_ change: RowChange) -> [String] {
        change.messages().map { "\($0.group) \(text($0.text))" }
    }

    @Test func encodesCreate() {
        let change = RowChange(position: 1, kind: .create, object: #"{"id":17,"title":"a"}"#, groups: ["collection-5"])
        #expect(messages(change) == [
            #"collection-5 {"id":1,"type":"subscription-update","data":{"type":"create","group":"collection-5","object":{"id":17,"title":"a"}}}"#
        ])
    }

    @Test func encodesUpdateWithUpdatedFields() {
        let change = RowChange(
            position: 1234,
            kind: .update,
            object: #"{"id":17,"collection_id":5,"title":"new"}"#,
            groups: ["collection-5"],
            updatedFields: ["title"]
        )
        #expect(messages(change) == [
            #"collection-5 {"id":1234,"type":"subscription-update","data":{"type":"update","group":"collection-5","object":{"id":17,"collection_id":5,"title":"new","updated_fields":["title"]}}}"#
        ])
    }

    @Test func encodesDelete() {
        let change = RowChange(position: 7, kind: .delete, object: #"{"id":17,"title":"old"}"#, groups: ["item-17"])
        #expect(messages(change) == [
            #"item-17 {"id":7,"type":"subscription-update","data":{"type":"delete","group":"item-17","object":{"id":17,"title":"old"}}}"#
        ])
    }

    @Test func sendsOneMessagePerGroupWithTheSameID() {
        let change = RowChange(position: 9, kind: .create, object: "{}", groups: ["a", "b"])
        #expect(messages(change) == [
            #"a {"id":9,"type":"subscription-update","data":{"type":"create","group":"a","object":{}}}"#,
            #"b {"id":9,"type":"subscription-update","data":{"type":"create","group":"b","object":{}}}"#,
        ])
    }

    @Test func sendsNothingWithoutGroups() {
        #expect(RowChange(position: 1, kind: .create, object: "{}", groups: []).messages().isEmpty)
    }

    @Test func movesRowBetweenGroups() {
        let change = RowChange(
            position: 42,
            kind: .update,
            object: #"{"id":1,"c":6}"#,
            groups: ["item-1"],
            updatedFields: ["c"],
            leftGroups: ["c-5"],
            oldObject: #"{"id":1,"c":5}"#,
            joinedGroups: ["c-6"]
        )
        #expect(messages(change) == [
            #"c-5 {"id":42,"type":"subscription-update","data":{"type":"delete","group":"c-5","object":{"id":1,"c":5}}}"#,
            #"item-1 {"id":42,"type":"subscription-update","data":{"type":"update","group":"item-1","object":{"id":1,"c":6,"updated_fields":["c"]}}}"#,
            #"c-6 {"id":42,"type":"subscription-update","data":{"type":"create","group":"c-6","object":{"id":1,"c":6}}}"#,
        ])
    }

    @Test func sendsCurrentRowToLeftGroupsWithoutOldObject() {
        let change = RowChange(position: 1, kind: .update, object: #"{"a":2}"#, groups: [], leftGroups: ["g"])
        #expect(messages(change) == [
            #"g {"id":1,"type":"subscription-update","data":{"type":"delete","group":"g","object":{"a":2}}}"#
        ])
    }

    @Test(arguments: [
        (#"{ "a" : 1 }"#, #"{ "a" : 1,"updated_fields":["a"] }"#),
        (#"{"a":1}"#, #"{"a":1,"updated_fields":["a"]}"#),
        ("{}", #"{"updated_fields":["a"]}"#),
        ("{ }", #"{"updated_fields":["a"] }"#),
        ("{\"a\":1}\n", "{\"a\":1,\"updated_fields\":[\"a\"]}\n"),
        ("{\n  \"a\": 1\n}", "{\n  \"a\": 1,\"updated_fields\":[\"a\"]\n}"),
        (#"{"a":{}}"#, #"{"a":{},"updated_fields":["a"]}"#),
        (#"{"a":"{"}"#, #"{"a":"{","updated_fields":["a"]}"#),
    ])
    func splicesUpdatedFieldsIntoObjectText(object: String, expected: String) {
        let change = RowChange(position: 1, kind: .update, object: object, groups: ["g"], updatedFields: ["a"])
        #expect(messages(change) == [
            #"g {"id":1,"type":"subscription-update","data":{"type":"update","group":"g","object":"# + expected + "}}"
        ])
    }

    @Test func writesEmptyUpdatedFields() {
        let change = RowChange(position: 1, kind: .update, object: #"{"a":1}"#, groups: ["g"], updatedFields: [])
        #expect(text(change.messages()[0].text).contains(#""object":{"a":1,"updated_fields":[]}}"#))
    }

    @Test func leavesUpdateObjectAloneWithoutUpdatedFields() {
        let change = RowChange(position: 1, kind: .update, object: #"{"a":1}"#, groups: ["g"])
        #expect(text(change.messages()[0].text).hasSuffix(#""object":{"a":1}}}"#))
    }

    @Test func ignoresUpdatedFieldsOutsideUpdates() {
        let change = RowChange(position: 1, kind: .create, object: #"{"a":1}"#, groups: ["g"], updatedFields: ["a"])
        #expect(text(change.messages()[0].text).hasSuffix(#""object":{"a":1}}}"#))
    }

    @Test func escapesUpdatedFieldNames() {
        let change = RowChange(position: 1, kind: .update, object: "{}", groups: ["g"], updatedFields: ["we\"ird", "b\\s"])
        #expect(text(change.messages()[0].text).hasSuffix(#""object":{"updated_fields":["we\"ird","b\\s"]}}}"#))
    }

    @Test func escapesGroupNames() {
        let change = RowChange(position: 1, kind: .create, object: "{}", groups: ["a\"b\\c\nd\u{1}"])
        #expect(messages(change) == [
            "a\"b\\c\nd\u{1} " + #"{"id":1,"type":"subscription-update","data":{"type":"create","group":"a\"b\\c\nd\u0001","object":{}}}"#
        ])
    }

    @Test func writesNonASCIIGroupNamesAsUTF8() {
        let change = RowChange(position: 1, kind: .create, object: "{}", groups: ["straße-1"])
        #expect(text(change.messages()[0].text).contains(#""group":"straße-1""#))
    }

    @Test func keepsObjectTextByteForByte() {
        let object = #"{"n":12345678901234567890.10,"t":"2024-01-01T00:00:00+02:00","b":"\\x00ff","z":null}"#
        let change = RowChange(position: 1, kind: .create, object: object, groups: ["g"])
        #expect(text(change.messages()[0].text).hasSuffix(#""object":"# + object + "}}"))
    }

    @Test func writesLargestPosition() {
        let change = RowChange(position: .max, kind: .delete, object: "{}", groups: ["g"])
        #expect(text(change.messages()[0].text).hasPrefix(#"{"id":9223372036854775807,"type""#))
    }

    @Test func encodesMessagesThatParseAsJSON() throws {
        let change = RowChange(position: 5, kind: .update, object: #"{ "a" : [1, {"b": 2}] }"#, groups: ["g\"1"], updatedFields: ["a"])
        let message = try JSONValue(parsing: change.messages()[0].text)
        #expect(message["data"]?["object"]?["updated_fields"] == ["a"])
        #expect(message["data"]?["group"] == "g\"1")
    }
}
