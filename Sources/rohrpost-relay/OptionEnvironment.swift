import ArgumentParser
import Foundation

/// An option's name on the command line and in the environment.
struct OptionName: Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The flag without its dashes, e.g. `max-subscriptions`.
    let flag: String
    /// The variables that set the option when the flag is absent; the first one set wins.
    let variables: [String]

    /// Names the option `--flag`, set from `variables`; by default from `ROHRPOST_FLAG`
    /// (upper case, `-` as `_`).
    init(_ flag: String, variables: [String]? = nil) {
        self.flag = flag
        self.variables = variables ?? ["ROHRPOST_" + flag.uppercased().replacingOccurrences(of: "-", with: "_")]
    }

    /// Names the option by its flag, as in `environment.value(port, "port")`.
    init(stringLiteral flag: String) {
        self.init(flag)
    }

    /// `--max-subscriptions (ROHRPOST_MAX_SUBSCRIPTIONS)`: how errors name the option.
    var description: String { "--\(flag) (\(variables.joined(separator: ", ")))" }
}

/// A type an option's text turns into, with how to say what was expected.
protocol OptionValue: ExpressibleByArgument {
    /// What a valid value is, for errors: "a whole number".
    static var expected: String { get }
}

extension Int: OptionValue {
    static var expected: String { "a whole number" }
}

extension Double: OptionValue {
    static var expected: String { "a number" }
}

extension String: OptionValue {
    static var expected: String { "a text" }
}

/// Option values from the command line or, for a flag not given, from its environment
/// variable: one parser for both, and one line naming the flag and the variable when a
/// value is wrong.
///
/// swift-argument-parser reads flags only; each options struct keeps its flags optional and
/// asks this for the value, so tests hand it a dictionary instead of the process environment.
struct OptionEnvironment: Sendable {
    /// The variables, e.g. `ProcessInfo.processInfo.environment`.
    let variables: [String: String]

    /// Reads `variables`; by default the process's environment.
    init(_ variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    /// The text of the first of `name`'s variables that is set and not empty (an empty
    /// variable counts as unset, as compose files and unit files leave them).
    func text(_ name: OptionName) -> String? {
        name.variables.lazy.compactMap { variables[$0] }.first { !$0.isEmpty }
    }

    /// The flag's value, else its variable parsed as the flag would be, else nil.
    func value<Value: OptionValue>(_ flag: Value?, _ name: OptionName) throws -> Value? {
        if let flag { return flag }
        guard let text = text(name) else { return nil }
        guard let value = Value(argument: text) else { throw invalid(name, "'\(text)' is not \(Value.expected)") }
        return value
    }

    /// A whole number of at least `minimum`, from the flag or the variable.
    func integer(_ flag: Int?, _ name: OptionName, atLeast minimum: Int) throws -> Int? {
        guard let value = try value(flag, name) else { return nil }
        guard value >= minimum else { throw invalid(name, "\(value) is less than \(minimum)") }
        return value
    }

    /// A duration such as `90s`, `30m`, `24h`, `7d` or plain seconds, from the flag or the
    /// variable; zero only when `allowsZero`.
    func duration(_ flag: String?, _ name: OptionName, allowsZero: Bool = true) throws -> Duration? {
        guard let text = try value(flag, name) else { return nil }
        guard let duration = Self.duration(text) else {
            throw invalid(name, "'\(text)' is not a duration such as 90s, 30m, 24h or 7d")
        }
        guard allowsZero || duration > .zero else { throw invalid(name, "must be longer than 0") }
        return duration
    }

    /// One of `Choice`'s cases by its raw value (any case), from the flag or the variable.
    func choice<Choice: RawRepresentable & CaseIterable>(_ flag: String?, _ name: OptionName) throws -> Choice?
    where Choice.RawValue == String {
        guard let text = try value(flag, name) else { return nil }
        guard let choice = Choice(rawValue: text.lowercased()) else {
            throw invalid(name, "'\(text)' is not one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    /// The flag's values when it was given at all, else the variable split at commas.
    func list(_ flag: [String], _ name: OptionName) -> [String] {
        guard flag.isEmpty else { return flag }
        return (text(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }

    /// A switch: the flag when given, else the variable as `true`/`false`, `1`/`0`,
    /// `yes`/`no` or `on`/`off`.
    func isOn(_ flag: Bool, _ name: OptionName) throws -> Bool {
        try isOn(flag ? true : nil, name, default: false)
    }

    /// A switch that turns either way (`--x`, `--no-x`): the flag when given, else the
    /// variable as for `isOn(_:_:)`, else `defaultValue`.
    func isOn(_ flag: Bool?, _ name: OptionName, default defaultValue: Bool) throws -> Bool {
        if let flag { return flag }
        guard let text = text(name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw invalid(name, "'\(text)' is neither true nor false")
        }
    }

    /// A secret from the flag, then the file the file flag names, then the variable, then
    /// the file the file variable names; a file's trailing newline is ignored.
    ///
    /// Flags show in `ps`, so a secret is better passed in a variable or, where variables
    /// leak too (container inspection), in a file.
    func secret(_ flag: String?, _ name: OptionName, file fileFlag: String?, _ fileName: OptionName) throws -> String? {
        if let flag { return flag }
        if let fileFlag { return try contents(of: fileFlag, fileName) }
        if let text = text(name) { return text }
        if let path = text(fileName) { return try contents(of: path, fileName) }
        return nil
    }

    /// The error for a wrong value of `name`: one line naming the flag and its variables.
    func invalid(_ name: OptionName, _ problem: String) -> StartupError {
        StartupError("\(name): \(problem)")
    }

    private func contents(of path: String, _ name: OptionName) throws -> String {
        do {
            var text = try String(contentsOfFile: path, encoding: .utf8)
            while text.last?.isNewline == true { text.removeLast() }
            return text
        } catch {
            throw invalid(name, "cannot read '\(path)': \((error as NSError).localizedDescription)")
        }
    }

    /// Reads `500ms`, `90s`, `30m`, `24h`, `7d`, or a plain number of seconds.
    static func duration(_ text: String) -> Duration? {
        if text.hasSuffix("ms") {
            guard let value = Int64(text.dropLast(2)), value >= 0 else { return nil }
            return .milliseconds(value)
        }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        let unit = text.last.flatMap { units[$0] }
        let number = unit == nil ? Substring(text) : text.dropLast()
        guard let value = Int64(number), value >= 0 else { return nil }
        return .seconds(value * (unit ?? 1))
    }
}
