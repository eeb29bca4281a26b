import Testing
import RohrpostProtocol

@Suite("subscribe and unsubscribe")
struct SubscriptionTests {
    @Test func confirmsSubscribe() {
        let message = #"{"id": 3, "type": "subscribe", "auth_jwt": "t", "data": {"type": "collection", "id": 5}}"#
        #expect(answer(message) == #"{"id":3,"type":"subscribe","data":{"group":"collection-5"}}"#)
    }

    @Test func confirmsUnsubscribe() {
        let message = #"{"id": 4, "type": "unsubscribe", "auth_jwt": "t", "data": {"type": "collection", "id": 5}}"#
        #expect(answer(message) == #"{"id":4,"type":"unsubscribe","data":{"group":"collection-5"}}"#)
    }

    @Test func namesGroupWithStringID() {
        let message = #"{"id":3,"type":"subscribe","data":{"type":"collection","id":"abc"}}"#
        #expect(answer(message) == #"{"id":3,"type":"subscribe","data":{"group":"collection-abc"}}"#)
    }

    @Test func namesGroupWithoutID() {
        let message = #"{"id":3,"type":"subscribe","data":{"type":"todo"}}"#
        #expect(answer(message) == #"{"id":3,"type":"subscribe","data":{"group":"todo"}}"#)
    }

    @Test func keepsIntegerIDDigits() {
        let message = #"{"id":3,"type":"subscribe","data":{"type":"item","id":12345678901234567890}}"#
        #expect(answer(message) == #"{"id":3,"type":"subscribe","data":{"group":"item-12345678901234567890"}}"#)
    }

    @Test func acceptsNegativeIntegerID() {
        let message = #"{"id":3,"type":"subscribe","data":{"type":"item","id":-5}}"#
        #expect(answer(message) == #"{"id":3,"type":"subscribe","data":{"group":"item--5"}}"#)
    }

    @Test func escapesGroupNameInReply() {
        let message = #"{"id":3,"type":"subscribe","data":{"type":"a\"b","id":"\n"}}"#
        #expect(answer(message) == #"{"id":3,"type":"subscribe","data":{"group":"a\"b-\n"}}"#)
    }

    @Test func ignoresExtraDataKeys() {
        let message = #"{"id":3,"type":"subscribe","data":{"type":"todo","extra":true}}"#
        #expect(answer(message) == #"{"id":3,"type":"subscribe","data":{"group":"todo"}}"#)
    }

    @Test func echoesStringRequestID() {
        let message = #"{"id":"","type":"subscribe","data":{"type":"todo"}}"#
        #expect(answer(message) == #"{"id":"","type":"subscribe","data":{"group":"todo"}}"#)
    }

    @Test func dispatchesToSubscribeCommand() throws {
        let request = try Request(parsing: Array(#"{"id":3,"type":"subscribe","data":{"type":"collection","id":5}}"#.utf8))
        #expect(request.command == .subscribe(Group(name: "collection-5"), since: nil))
    }

    @Test func dispatchesToUnsubscribeCommand() throws {
        let request = try Request(parsing: Array(#"{"id":4,"type":"unsubscribe","data":{"type":"todo"}}"#.utf8))
        #expect(request.command == .unsubscribe(Group(name: "todo")))
    }

    @Test func keepsTokenForAccessPolicy() throws {
        let request = try Request(parsing: Array(#"{"id":3,"type":"subscribe","auth_jwt":"x.y.z","data":{"type":"todo"}}"#.utf8))
        #expect(request.authJWT == "x.y.z")
    }

    @Test func refusesWithAccessDenied() throws {
        let request = try Request(parsing: Array(#"{"id":3,"type":"subscribe","data":{"type":"collection","id":5}}"#.utf8))
        #expect(text(Reply.accessDenied(to: request).encoded()) == #"{"id":3,"type":"subscribe","error":"ACCESS_DENIED"}"#)
    }

    @Test(arguments: [
        #"{"id":3,"type":"subscribe"}"#,
        #"{"id":3,"type":"subscribe","data":null}"#,
        #"{"id":3,"type":"subscribe","data":[{"type":"todo"}]}"#,
        #"{"id":3,"type":"subscribe","data":"todo"}"#,
    ])
    func refusesDataThatIsNotAnObject(message: String) {
        #expect(answer(message) == #"{"id":3,"type":"subscribe","error":"Invalid subscription: data must be an object"}"#)
    }

    @Test(arguments: [
        #"{"id":3,"type":"subscribe","data":{}}"#,
        #"{"id":3,"type":"subscribe","data":{"type":""}}"#,
        #"{"id":3,"type":"subscribe","data":{"type":5}}"#,
        #"{"id":3,"type":"subscribe","data":{"type":null,"id":5}}"#,
    ])
    func refusesTypeThatIsNotANonEmptyString(message: String) {
        #expect(answer(message) == #"{"id":3,"type":"subscribe","error":"Invalid subscription: data.type must be a non-empty string"}"#)
    }

    @Test(arguments: ["5.5", "5.0", "5e0", "null", "true", "[5]", #"{"id":5}"#])
    func refusesIDThatIsNotAStringOrInteger(id: String) {
        let message = #"{"id":3,"type":"subscribe","data":{"type":"collection","id":"# + id + "}}"
        #expect(answer(message) == #"{"id":3,"type":"subscribe","error":"Invalid subscription: data.id must be a string or an integer"}"#)
    }

    @Test func refusesGroupNameOver256Bytes() {
        let type = String(repeating: "a", count: 250)
        let message = #"{"id":3,"type":"subscribe","data":{"type":""# + type + #"","id":123456}}"#
        #expect(answer(message) == #"{"id":3,"type":"subscribe","error":"Invalid subscription: group name is longer than 256 bytes"}"#)
    }

    @Test func acceptsGroupNameOfExactly256Bytes() throws {
        let type = String(repeating: "a", count: 249)
        let group = try Group(subscriptionData: ["type": .string(type), "id": 123456])
        #expect(group.name.utf8.count == 256)
    }

    @Test func countsGroupNameLengthInUTF8Bytes() throws {
        let error = try #require(throws: InvalidSubscription.self) {
            try Group(subscriptionData: ["type": .string(String(repeating: "ä", count: 129))])
        }
        #expect(error.code == .groupNameTooLong)
    }

    @Test func refusesMalformedUnsubscribeWithItsType() {
        let message = #"{"id":4,"type":"unsubscribe","data":{"type":""}}"#
        #expect(answer(message) == #"{"id":4,"type":"unsubscribe","error":"Invalid subscription: data.type must be a non-empty string"}"#)
    }

    @Test func dispatchesMalformedDataToInvalidCommand() throws {
        let request = try Request(parsing: Array(#"{"id":3,"type":"subscribe","data":5}"#.utf8))
        #expect(request.command == .invalid(Reply(id: 3, type: "subscribe", error: "Invalid subscription: data must be an object")))
    }
}
