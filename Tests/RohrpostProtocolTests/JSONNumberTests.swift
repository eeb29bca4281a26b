import Testing
import RohrpostProtocol

@Suite("JSON numbers")
struct JSONNumberTests {
    @Test func acceptsValidNumberText() {
        #expect(JSONNumber("-1.50e+3")?.text == "-1.50e+3")
    }

    @Test(arguments: ["", "01", "+1", " 1", "1 ", "1.", ".1", "0x1", "1e", "Infinity", "--1"])
    func rejectsInvalidNumberText(text: String) {
        #expect(JSONNumber(text) == nil)
    }

    @Test func createsFromInteger() {
        #expect(JSONNumber(Int64.min).text == "-9223372036854775808")
    }

    @Test(arguments: [("5", true), ("-12", true), ("5.0", false), ("5e0", false), ("5E0", false)])
    func tellsIntegersApart(text: String, isInteger: Bool) {
        #expect(JSONNumber(text)?.isInteger == isInteger)
    }

    @Test func comparesByText() {
        #expect(JSONNumber("1.0") != JSONNumber("1"))
    }
}
