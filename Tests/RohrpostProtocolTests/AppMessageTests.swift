import RohrpostProtocol
import Testing

/// Messages from `rohrpost.send`: the same subscription-update as a row change, with the
/// app's type, to each of the groups.
@Suite struct AppMessageTests {
    private func texts(_ message: AppMessage) -> [String] {
        message.messages().map { "\($0.group) \(String(decoding: $0.text, as: UTF8.self))" }
    }

    @Test func aMessageIsASubscriptionUpdateWithTheAppsType() {
        let message = AppMessage(position: 42, type: "export-finished", object: #"{"url": "/e/7.csv"}"#, groups: ["user-7", "admins"])
        #expect(texts(message) == [
            #"user-7 {"id":42,"type":"subscription-update","data":{"type":"export-finished","group":"user-7","object":{"url": "/e/7.csv"}}}"#,
            #"admins {"id":42,"type":"subscription-update","data":{"type":"export-finished","group":"admins","object":{"url": "/e/7.csv"}}}"#,
        ])
    }

    @Test func theTypeIsWrittenAsAJSONString() {
        let message = AppMessage(position: 1, type: #"say "hi"\n"#, object: "null", groups: ["g"])
        #expect(texts(message) == [#"g {"id":1,"type":"subscription-update","data":{"type":"say \"hi\"\\n","group":"g","object":null}}"#])
    }

    @Test func onlyKindsThatNameAMessageAreMessages() {
        #expect(AppMessage(position: 3, kind: "message:progress", object: "50", groups: ["g"])?.type == "progress")
        #expect(AppMessage(position: 3, kind: "message:", object: "50", groups: ["g"])?.type == "")
        #expect(AppMessage(position: 3, kind: "update", object: "{}", groups: ["g"]) == nil)
    }
}
