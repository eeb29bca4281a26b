import RohrpostProtocol
import Testing

/// jsonb writes `{"a": 1, "b": [2, 3]}`; events carry compact JSON, whatever wrote it.
@Suite struct JSONTextCompactingTests {
    @Test func jsonbTextLosesTheSpacesBetweenTokens() {
        #expect(JSONText.compacted(#"{"text": "bye", "n": [1, 2.50, {"x": null}]}"#) == #"{"text":"bye","n":[1,2.50,{"x":null}]}"#)
        #expect(JSONText.compacted(" \t\r\n[ true ,\nfalse ] ") == "[true,false]")
    }

    @Test func stringsKeepTheirSpacesQuotesAndEscapes() {
        #expect(JSONText.compacted(#"{"a b": "c \"d\" e\\", "f": "\\"}"#) == #"{"a b":"c \"d\" e\\","f":"\\"}"#)
        #expect(JSONText.compacted(#"["ü ñ 😀", " "]"#) == #"["ü ñ 😀"," "]"#)
    }

    @Test func compactTextIsReturnedAsItIs() {
        var bytes = Array(#"{"a":1}"#.utf8)
        #expect(JSONText.compact(&bytes) == false)
        #expect(JSONText.compacted(#"{"a":1}"#) == #"{"a":1}"#)
        #expect(JSONText.compacted("12") == "12")
    }
}
