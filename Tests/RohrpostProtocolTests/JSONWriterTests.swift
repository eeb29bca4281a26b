import Testing
import RohrpostProtocol

@Suite("JSON writer")
struct JSONWriterTests {
    @Test func writesCompactText() {
        let value: JSONValue = ["a": [1, true, false, nil], "b": ["c": "d"], "e": [], "f": [:]]
        #expect(value.jsonText == #"{"a":[1,true,false,null],"b":{"c":"d"},"e":[],"f":{}}"#)
    }

    @Test func writesNumberTextUnchanged() {
        let value: JSONValue = [.number(JSONNumber("12345678901234567890")!), .number(JSONNumber("1.50")!)]
        #expect(value.jsonText == "[12345678901234567890,1.50]")
    }

    @Test func escapesQuoteAndBackslash() {
        #expect(JSONValue.string(#"say "hi" \o/"#).jsonText == #""say \"hi\" \\o/""#)
    }

    @Test func escapesCommonControlCharactersShort() {
        #expect(JSONValue.string("\u{08}\u{0C}\n\r\t").jsonText == #""\b\f\n\r\t""#)
    }

    @Test func escapesOtherControlCharactersAsUnicode() {
        #expect(JSONValue.string("\u{0}\u{1}\u{1F}").jsonText == #""\u0000\u0001\u001f""#)
    }

    @Test func writesNonASCIIAsUTF8() {
        #expect(JSONValue.string("é 世界 😀 \u{7F}").jsonText == "\"é 世界 😀 \u{7F}\"")
    }

    @Test func leavesSlashUnescaped() {
        #expect(JSONValue.string("a/b").jsonText == #""a/b""#)
    }

    @Test func escapesObjectKeys() {
        let value: JSONValue = ["a\"\n": 1]
        #expect(value.jsonText == #"{"a\"\n":1}"#)
    }

    @Test func encodesIntoExistingBuffer() {
        var bytes = Array("x=".utf8)
        JSONValue.bool(true).encode(into: &bytes)
        #expect(text(bytes) == "x=true")
    }

    @Test func reencodingEscapedInputGivesCanonicalEscapes() {
        #expect(reencoded(#""\u0041\/\u000a\u001F""#) == #""A/\n\u001f""#)
    }
}
