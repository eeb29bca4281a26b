import RelayTestSupport
import Testing

@testable import RohrpostPostgres

/// Reading PostgreSQL's text form of `text[]`, as the journal's group columns arrive.
@Suite struct PostgresTextArrayTests {
    @Test func anEmptyArrayHasNoElements() {
        #expect(PostgresTextArray.parse("{}") == [])
    }

    @Test func unquotedElementsAreSplitAtCommas() {
        #expect(PostgresTextArray.parse("{item-1,todo,collection-5}") == ["item-1", "todo", "collection-5"])
    }

    @Test func quotedElementsKeepSpacesCommasAndBraces() {
        #expect(PostgresTextArray.parse(#"{"a b","c,d","{e}"}"#) == ["a b", "c,d", "{e}"])
    }

    @Test func backslashesEscapeQuotesAndBackslashes() {
        #expect(PostgresTextArray.parse(#"{"say \"hi\"","C:\\dir"}"#) == [#"say "hi""#, #"C:\dir"#])
    }

    @Test func nullElementsAreLeftOut() {
        #expect(PostgresTextArray.parse("{NULL,a,NULL}") == ["a"])
    }

    @Test func aQuotedNULLIsTheWordNotAMissingValue() {
        #expect(PostgresTextArray.parse(#"{"NULL",a}"#) == ["NULL", "a"])
    }

    @Test func quotedEmptyStringsAreElements() {
        #expect(PostgresTextArray.parse(#"{"",a,""}"#) == ["", "a", ""])
    }

    @Test func unicodeElementsArriveIntact() {
        #expect(PostgresTextArray.parse(#"{grüezi,"日本 語",🚋}"#) == ["grüezi", "日本 語", "🚋"])
    }

    @Test func textThatIsNotAnArrayHasNoElements() {
        #expect(PostgresTextArray.parse("") == [])
        #expect(PostgresTextArray.parse("item-1") == [])
    }

    @Test func readsWhatPostgreSQLWrites() async throws {
        let elements = [
            "plain", "with space", "a,b", "{braces}", #"quo"te"#, #"back\slash"#, "NULL", "null", "", "grüezi 🚋",
        ]
        let database = try await PostgresCluster.shared().makeDatabase()
        // The NULL at the end must be left out.
        let placeholders = elements.indices.map { "$\($0 + 1)::text" }.joined(separator: ", ")
        let rows = try database.query("SELECT ARRAY[\(placeholders), NULL]::text", parameters: elements)
        let text = try #require(rows.first?.first ?? nil)
        #expect(PostgresTextArray.parse(text) == elements)
    }
}
