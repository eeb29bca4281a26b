import Testing
import RohrpostProtocol

@Suite("JSON parser: invalid input")
struct JSONParserRejectionTests {
    @Test func rejectsEmptyInput() {
        #expect(parseError("")?.detail == "Unexpected end of input at offset 0")
    }

    @Test func rejectsWhitespaceOnlyInput() {
        #expect(parseError(" \n")?.detail == "Unexpected end of input at offset 2")
    }

    @Test func rejectsTrailingCommaInArray() {
        #expect(parseError("[1,2,]")?.detail == "Unexpected character ']' at offset 5")
    }

    @Test func rejectsTrailingCommaInObject() {
        #expect(parseError(#"{"a":1,}"#)?.detail == "Unexpected character '}' at offset 7")
    }

    @Test func rejectsLeadingZero() {
        let error = parseError("01")
        #expect(error?.code == .invalidNumber)
        #expect(error?.detail == "Leading zero in number at offset 0")
    }

    @Test func rejectsNegativeLeadingZero() {
        #expect(parseError("[-01]")?.detail == "Leading zero in number at offset 1")
    }

    @Test(arguments: [
        ("+1", "Unexpected character '+' at offset 0"),
        (".5", "Unexpected character '.' at offset 0"),
        ("1.", "Unexpected end of input at offset 2"),
        ("1.e5", "Unexpected character 'e' at offset 2"),
        ("1e", "Unexpected end of input at offset 2"),
        ("1e+", "Unexpected end of input at offset 3"),
        ("-", "Unexpected end of input at offset 1"),
        ("-a", "Unexpected character 'a' at offset 1"),
        ("NaN", "Unexpected character 'N' at offset 0"),
        ("0x10", "Unexpected character 'x' after the JSON value at offset 1"),
    ])
    func rejectsMalformedNumber(json: String, detail: String) {
        #expect(parseError(json)?.detail == detail)
    }

    @Test func rejectsLoneHighSurrogate() {
        let error = parseError(#""a\ud800""#)
        #expect(error?.code == .unpairedSurrogate)
        #expect(error?.detail == "Unpaired UTF-16 surrogate in \\u escape at offset 2")
    }

    @Test func rejectsLoneLowSurrogate() {
        #expect(parseError(#""\udc00""#)?.code == .unpairedSurrogate)
    }

    @Test func rejectsHighSurrogateFollowedByNonSurrogateEscape() {
        #expect(parseError(#""\ud800\u0041""#)?.code == .unpairedSurrogate)
    }

    @Test func rejectsHighSurrogateFollowedByText() {
        #expect(parseError(#""\ud800x""#)?.code == .unpairedSurrogate)
    }

    @Test func rejectsUnknownEscape() {
        #expect(parseError(#""\x""#)?.detail == "Invalid escape sequence at offset 1")
    }

    @Test func rejectsNonHexUnicodeEscape() {
        #expect(parseError(#""\u12G4""#)?.detail == "Invalid escape sequence at offset 1")
    }

    @Test func rejectsTruncatedUnicodeEscape() {
        #expect(parseError(#""\u12"#)?.detail == "Invalid escape sequence at offset 1")
    }

    @Test func rejectsRawControlCharacterInString() {
        let error = parseError("\"a\nb\"")
        #expect(error?.code == .controlCharacterInString)
        #expect(error?.detail == "Unescaped control character 0x0A in string at offset 2")
    }

    @Test func rejectsUnterminatedString() {
        #expect(parseError(#"["abc"#)?.detail == "Unterminated string starting at offset 1")
    }

    @Test func rejectsInvalidUTF8InString() throws {
        let error = try #require(throws: JSONParseError.self) {
            try JSONValue(parsing: [0x22, 0xC3, 0x28, 0x22])
        }
        #expect(error.detail == "Invalid UTF-8 in string starting at offset 0")
    }

    @Test func rejectsNonASCIIByteOutsideStrings() throws {
        let error = try #require(throws: JSONParseError.self) {
            try JSONValue(parsing: [0xEF, 0xBB, 0xBF, 0x31])
        }
        #expect(error.detail == "Unexpected byte 0xEF at offset 0")
    }

    @Test func rejectsTrailingGarbage() {
        let error = parseError("{} x")
        #expect(error?.code == .trailingData)
        #expect(error?.detail == "Unexpected character 'x' after the JSON value at offset 3")
    }

    @Test func rejectsTwoValues() {
        #expect(parseError("{}{}")?.detail == "Unexpected character '{' after the JSON value at offset 2")
    }

    @Test(arguments: [
        ("'a'", "Unexpected character ''' at offset 0"),
        ("tru", "Unexpected end of input at offset 3"),
        ("trux", "Unexpected character 'x' at offset 3"),
        ("nul", "Unexpected end of input at offset 3"),
        ("[1 2]", "Unexpected character '2' at offset 3"),
        ("[", "Unexpected end of input at offset 1"),
        ("[1", "Unexpected end of input at offset 2"),
        (#"{"a"}"#, "Unexpected character '}' at offset 4"),
        (#"{"a":}"#, "Unexpected character '}' at offset 5"),
        (#"{"a":1"#, "Unexpected end of input at offset 6"),
        ("{1:2}", "Unexpected character '1' at offset 1"),
        ("[1}", "Unexpected character '}' at offset 2"),
        ("{\"a\":1]", "Unexpected character ']' at offset 6"),
    ])
    func rejectsBrokenStructure(json: String, detail: String) {
        #expect(parseError(json)?.detail == detail)
    }

    @Test func rejectsThirtyThousandNestedArraysWithAnError() {
        let error = parseError(String(repeating: "[", count: 30_000))
        #expect(error?.code == .nestingTooDeep)
        #expect(error?.detail == "Nesting deeper than 512 levels at offset 512")
    }

    @Test func rejectsThirtyThousandNestedObjectsWithAnError() {
        let error = parseError(String(repeating: #"{"a":"#, count: 30_000))
        #expect(error?.detail == "Nesting deeper than 512 levels at offset 2560")
    }

    @Test func rejectsOneLevelPastTheDepthLimit() {
        let json = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(parseError(json)?.code == .nestingTooDeep)
    }

    @Test func rejectsNestingPastCustomDepthLimit() throws {
        let error = try #require(throws: JSONParseError.self) {
            try JSONValue(parsing: Array("[[[1]]]".utf8), maximumDepth: 2)
        }
        #expect(error.detail == "Nesting deeper than 2 levels at offset 2")
    }
}
