import Testing
import RohrpostProtocol

@Suite("JSON parser: valid input")
struct JSONParserTests {
    @Test func parsesLiterals() throws {
        #expect(try JSONValue(parsing: Array("true".utf8)) == .bool(true))
        #expect(try JSONValue(parsing: Array("false".utf8)) == .bool(false))
        #expect(try JSONValue(parsing: Array("null".utf8)) == .null)
    }

    @Test func keepsBigIntegerDigits() throws {
        let value = try JSONValue(parsing: Array("12345678901234567890".utf8))
        #expect(value.numberValue?.text == "12345678901234567890")
    }

    @Test func keepsDecimalDigitsIncludingTrailingZero() throws {
        let value = try JSONValue(parsing: Array("1.50".utf8))
        #expect(value.numberValue?.text == "1.50")
    }

    @Test(arguments: ["0", "-0", "-12", "0.5", "1e10", "1E+2", "-1.25e-7", "100000000000000000000000000001"])
    func keepsNumberTextAsWritten(number: String) {
        #expect(reencoded(number) == number)
    }

    @Test func parsesStringWithoutEscapes() throws {
        #expect(try JSONValue(parsing: Array(#""hello""#.utf8)) == .string("hello"))
    }

    @Test func parsesEmptyContainers() {
        #expect(reencoded("[]") == "[]")
        #expect(reencoded("{}") == "{}")
        #expect(reencoded("[ ]") == "[]")
        #expect(reencoded("{ }") == "{}")
    }

    @Test func keepsObjectKeyOrder() {
        #expect(reencoded(#"{"z":1,"a":2,"m":3}"#) == #"{"z":1,"a":2,"m":3}"#)
    }

    @Test func lastDuplicateKeyWinsOnLookup() throws {
        let value = try JSONValue(parsing: Array(#"{"a":1,"a":2}"#.utf8))
        #expect(value["a"] == 2)
    }

    @Test func keepsDuplicateKeysWhenWriting() {
        #expect(reencoded(#"{"a":1,"a":2}"#) == #"{"a":1,"a":2}"#)
    }

    @Test func allowsWhitespaceBetweenAllTokens() {
        let json = " \t\r\n{ \"a\" :\n[ 1 , true , null ] ,\"b\" : { } } \n"
        #expect(reencoded(json) == #"{"a":[1,true,null],"b":{}}"#)
    }

    @Test func parsesNestedContainers() {
        let json = #"{"a":[{"b":[[],{"c":"d"}]},2],"e":{"f":{"g":null}}}"#
        #expect(reencoded(json) == json)
    }

    @Test func acceptsNestingAtTheDepthLimit() {
        let json = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(reencoded(json) == json)
    }

    @Test func acceptsCustomDepthLimit() throws {
        #expect(try JSONValue(parsing: Array("[[1]]".utf8), maximumDepth: 2) == [[1]])
    }

    @Test func parsesFromRawBufferPointer() throws {
        let bytes = Array(#"{"id":1.50}"#.utf8)
        let value = try bytes.withUnsafeBytes { raw in try JSONValue(parsing: raw) }
        #expect(value["id"]?.numberValue?.text == "1.50")
    }

    @Test func parsesFromArraySlice() throws {
        let bytes = Array(#"xx[1,2]yy"#.utf8)
        #expect(try JSONValue(parsing: bytes[2..<7]) == [1, 2])
    }

    @Test func parsesFromNonContiguousCollection() throws {
        let bytes = Array(#"{"a":"b"}"#.utf8).lazy.map { $0 }
        #expect(try JSONValue(parsing: bytes) == ["a": "b"])
    }

    @Test func parsesFromStringUTF8View() throws {
        #expect(try JSONValue(parsing: #"["x"]"#.utf8) == ["x"])
    }
}
