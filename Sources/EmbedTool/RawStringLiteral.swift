/// `text` as a multi-line raw string literal, each line indented by `indent`: with more `#`
/// than any run in the text, so the text cannot close it early.
func rawStringLiteral(_ text: String, indent: String) -> String {
    let hashes = String(repeating: "#", count: longestRun(of: "#", in: text) + 1)
    var literal = "\(hashes)\"\"\"\n"
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        literal += "\(indent)\(line)\n"
    }
    return literal + "\(indent)\"\"\"\(hashes)"
}

private func longestRun(of character: Character, in text: String) -> Int {
    var longest = 0
    var current = 0
    for c in text {
        current = c == character ? current + 1 : 0
        longest = max(longest, current)
    }
    return longest
}
