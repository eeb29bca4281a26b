/// A pattern of group names a token may subscribe to, such as `collection-*` or `todo-17`.
///
/// `*` matches any run of characters, the empty one included, and is the only special
/// character: everything else matches itself, so `collection-*` matches `collection-5` and
/// `collection-` but not `collection`.
public struct GroupPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String

    /// Creates a pattern from its text.
    public init(_ text: String) {
        self.text = text
    }

    /// Whether `group` is one of the names this pattern stands for.
    public func matches(_ group: String) -> Bool {
        groupPattern(text, matches: group)
    }

    public var description: String { text }
}

/// Whether `group` matches `pattern`, where `*` matches any run of characters (the empty one
/// included) and every other character matches itself.
///
/// Compares UTF-8 bytes: `*` is ASCII and UTF-8 never puts an ASCII byte inside a
/// multi-byte character, so a match never splits one. Runs in O(pattern × group) at worst,
/// without recursion.
public func groupPattern(_ pattern: String, matches group: String) -> Bool {
    let star = UInt8(ascii: "*")
    let pattern = Array(pattern.utf8)
    let text = Array(group.utf8)
    var p = 0
    var t = 0
    // Where the last `*` was, and where in the text its run currently ends.
    var starIndex: Int?
    var starRunEnd = 0
    while t < text.count {
        if p < pattern.count, pattern[p] == star {
            starIndex = p
            starRunEnd = t
            p += 1
        } else if p < pattern.count, pattern[p] == text[t] {
            p += 1
            t += 1
        } else if let starIndex {
            // Let the last `*` swallow one more character and retry after it.
            starRunEnd += 1
            t = starRunEnd
            p = starIndex + 1
        } else {
            return false
        }
    }
    while p < pattern.count, pattern[p] == star { p += 1 }
    return p == pattern.count
}
