/// Reads PostgreSQL's text form of a one-dimensional `text[]`, e.g. `{a,"b c",NULL}`.
enum PostgresTextArray {
    /// The elements of `literal`; NULL elements are left out (group names are never NULL).
    static func parse(_ literal: String) -> [String] {
        var elements: [String] = []
        var iterator = literal.utf8.makeIterator()
        guard iterator.next() == UInt8(ascii: "{") else { return [] }
        var current: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        func finish() {
            let text = String(decoding: current, as: UTF8.self)
            if wasQuoted || text != "NULL" { elements.append(text) }
            current.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "\\") where quoted:
                if let escaped = iterator.next() { current.append(escaped) }
            case UInt8(ascii: "\""):
                quoted.toggle()
                wasQuoted = true
            case UInt8(ascii: ",") where !quoted:
                finish()
            case UInt8(ascii: "}") where !quoted:
                if !current.isEmpty || wasQuoted { finish() }
                return elements
            default:
                current.append(byte)
            }
        }
        return elements
    }
}
