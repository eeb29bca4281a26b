import RohrpostAuth
import Testing

/// `*` matches any run of characters, the empty one included, and nothing else is special.
@Suite struct GroupPatternTests {
    @Test(arguments: [
        ("todo-17", "todo-17"),
        ("collection-*", "collection-5"),
        ("collection-*", "collection-"),
        ("collection-*", "collection-5-6"),
        ("*", ""),
        ("*", "anything at all"),
        ("*-5", "collection-5"),
        ("a*b*c", "abc"),
        ("a*b*c", "aXbYc"),
        ("a*b*c", "abbbcbc"),
        ("**", "x"),
        ("*a", "aaaa"),
        ("todo-*-done", "todo-1-done"),
        ("grüppe-*", "grüppe-ä"),
        ("*ü", "ääü"),
    ])
    func patternMatches(_ pattern: String, _ group: String) {
        #expect(groupPattern(pattern, matches: group), "\(pattern) should match \(group)")
    }

    @Test(arguments: [
        ("collection-*", "collection"),
        ("collection-*", "collections-5"),
        ("todo-17", "todo-1"),
        ("todo-1", "todo-17"),
        ("", "x"),
        ("a*b*c", "acb"),
        ("a*b*c", "abcd"),
        ("*-5", "collection-6"),
        ("todo-?", "todo-1"),
        ("todo-[0-9]", "todo-1"),
        ("todo-.*", "todo-1"),
        ("TODO-1", "todo-1"),
    ])
    func patternDoesNotMatch(_ pattern: String, _ group: String) {
        #expect(!groupPattern(pattern, matches: group), "\(pattern) should not match \(group)")
    }

    @Test func emptyPatternMatchesOnlyTheEmptyName() {
        #expect(groupPattern("", matches: ""))
    }

    @Test func questionMarkAndDotAreLiterals() {
        #expect(groupPattern("todo-?", matches: "todo-?"))
        #expect(groupPattern("a.b", matches: "a.b"))
        #expect(!groupPattern("a.b", matches: "axb"))
    }

    @Test func manyStarsOnALongNameStayFast() {
        let pattern = String(repeating: "*a", count: 50) + "b"
        let group = String(repeating: "a", count: 10_000)
        let start = ContinuousClock.now
        #expect(!groupPattern(pattern, matches: group))
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func groupPatternValueMatchesLikeTheFunction() {
        #expect(GroupPattern("collection-*").matches("collection-5"))
        #expect(!GroupPattern("collection-*").matches("collection"))
    }
}
