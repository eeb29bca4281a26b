import Foundation

/// Reading samples out of Prometheus text format.
enum PrometheusText {
    /// The value of the sample `name` (with its labels, if any, as written: `name{a="b"}`),
    /// or nil when the text has no such sample.
    static func value(of name: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, fields[0] == name { return Double(fields[1]) }
        }
        return nil
    }
}
