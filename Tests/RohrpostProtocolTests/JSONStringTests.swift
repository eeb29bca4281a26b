import Testing
import RohrpostProtocol

@Suite("JSON parser: strings")
struct JSONStringTests {
    private func string(_ json: String) throws -> String? {
        try JSONValue(parsing: Array(json.utf8)).stringValue
    }

    @Test func decodesSimpleEscapes() throws {
        #expect(try string(#""\" \\ \/ \b \f \n \r \t""#) == "\" \\ / \u{08} \u{0C} \n \r \t")
    }

    @Test func decodesUnicodeEscape() throws {
        #expect(try string(#""caf\u00e9 \u00C9""#) == "café É")
    }

    @Test func decodesSurrogatePairEscape() throws {
        #expect(try string(#""\ud83d\ude00""#) == "😀")
    }

    @Test func decodesEscapedNul() throws {
        #expect(try string(#""a\u0000b""#) == "a\u{0}b")
    }

    @Test func keepsRawMultiByteUTF8() throws {
        #expect(try string(#""Grüße, 世界 😀""#) == "Grüße, 世界 😀")
    }

    @Test func decodesEscapesBetweenRawText() throws {
        #expect(try string(#""ä\nö\tü""#) == "ä\nö\tü")
    }

    @Test func decodesEscapedKeys() throws {
        let value = try JSONValue(parsing: Array(#"{"a\"b":1}"#.utf8))
        #expect(value["a\"b"] == 1)
    }

    @Test func allowsDeleteAndNonASCIIControlCharactersRaw() throws {
        #expect(try string("\"\u{7F}\u{85}\"") == "\u{7F}\u{85}")
    }
}
