import Foundation
import Synchronization

/// Takes secrets out of text before it leaves the process (log lines, error lines): the
/// password of a connection URL (`postgres://user:***@db/app`) or key=value string
/// (`password=***`), JWTs (`eyJ...`), `Bearer` credentials, and every value it was told
/// is secret (the database password, the JWT secret), wherever they appear.
struct SecretRedactor: Sendable {
    /// What a secret is replaced with.
    static let mask = "***"

    /// Values this process holds that must never be shown, longest first.
    private(set) var secrets: [String] = []

    /// A redactor that knows `secrets` besides the patterns.
    init(secrets: [String] = []) {
        for secret in secrets { add(secret) }
    }

    /// The redactor the process's log handlers and its last error line use.
    static let process = Mutex(SecretRedactor())

    /// Remembers `secret` (shorter than 4 characters it would mask ordinary words, and the
    /// patterns still catch it where it is written as a password).
    mutating func add(_ secret: String?) {
        guard let secret, secret.count >= 4, !secrets.contains(secret) else { return }
        secrets.append(secret)
        if let decoded = secret.removingPercentEncoding, decoded != secret, decoded.count >= 4 {
            secrets.append(decoded)
        }
        secrets.sort { $0.count > $1.count }
    }

    /// Remembers the password of `connectionString` (URL or key=value), if it has one.
    mutating func add(connectionString: String) {
        add(Self.password(in: connectionString))
    }

    /// `text` with every secret it knows and every password, token or credential the
    /// patterns find replaced by `***`.
    func redact(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: Self.mask)
        }
        guard text.contains("://") || text.range(of: "password", options: .caseInsensitive) != nil
            || text.contains("eyJ") || text.contains("Bearer ")
        else { return text }
        var bytes = Array(text.utf8)
        bytes = Self.maskingURLPasswords(bytes)
        bytes = Self.maskingKeyValuePasswords(bytes)
        bytes = Self.maskingTokens(bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `connectionString` without its password, for showing: `postgres://user@db/app`,
    /// `host=db user=app` (libpq then asks for the password, or takes it from `~/.pgpass`).
    static func withoutPassword(_ connectionString: String) -> String {
        guard let password = password(in: connectionString) else { return connectionString }
        if let scheme = connectionString.range(of: "://"),
            let at = connectionString[scheme.upperBound...].firstIndex(of: "@"),
            let colon = connectionString[scheme.upperBound..<at].firstIndex(of: ":")
        {
            var text = connectionString
            text.removeSubrange(colon..<at)
            return withoutPassword(text)
        }
        // key=value, or ?password= in a URL: drop the whole setting.
        let parts = connectionString.split(separator: " ", omittingEmptySubsequences: true)
            .filter { !$0.lowercased().hasPrefix("password=") }
        var text = parts.joined(separator: " ")
        for separator in ["?", "&"] {
            text = text.replacingOccurrences(of: "\(separator)password=\(password)", with: separator)
        }
        return text.replacingOccurrences(of: "?&", with: "?").replacingOccurrences(of: "&&", with: "&")
            .replacingOccurrences(of: #"\?$"#, with: "", options: .regularExpression)
    }

    /// The password a libpq URL or key=value string carries, if any.
    static func password(in connectionString: String) -> String? {
        if let scheme = connectionString.range(of: "://"),
            let at = connectionString[scheme.upperBound...].lastIndex(of: "@"),
            let colon = connectionString[scheme.upperBound..<at].firstIndex(of: ":")
        {
            let password = String(connectionString[connectionString.index(after: colon)..<at])
            if !password.isEmpty { return password }
        }
        guard let key = connectionString.range(of: "password", options: .caseInsensitive) else { return nil }
        var rest = connectionString[key.upperBound...].drop { $0 == " " }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        if rest.first == "'" {
            var value = ""
            var escaped = false
            for character in rest.dropFirst() {
                if escaped {
                    value.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "'" {
                    break
                } else {
                    value.append(character)
                }
            }
            return value.isEmpty ? nil : value
        }
        let value = rest.prefix { !$0.isWhitespace && $0 != "&" && $0 != "\"" }
        return value.isEmpty ? nil : String(value)
    }

    // MARK: Patterns, on UTF-8 bytes

    private static let mask8 = Array(mask.utf8)

    /// `scheme://user:secret@host` becomes `scheme://user:***@host`.
    private static func maskingURLPasswords(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: ":"), index + 2 < bytes.count,
                bytes[index + 1] == UInt8(ascii: "/"), bytes[index + 2] == UInt8(ascii: "/")
            else {
                output.append(bytes[index])
                index += 1
                continue
            }
            let start = index + 3
            output.append(contentsOf: bytes[index..<start])
            // The URL runs to whitespace or a quote; its user info ends at its last `@`.
            var end = start
            while end < bytes.count, !isDelimiter(bytes[end]) { end += 1 }
            if let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")),
                let colon = bytes[start..<at].firstIndex(of: UInt8(ascii: ":"))
            {
                output.append(contentsOf: bytes[start...colon])
                output.append(contentsOf: mask8)
                index = at
            } else {
                index = start
            }
        }
        return output
    }

    /// `password=secret`, `password = 'se cret'` (any case, also `PGPASSWORD=`) becomes `password=***`.
    private static func maskingKeyValuePasswords(_ bytes: [UInt8]) -> [UInt8] {
        let key = Array("password".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard index + key.count <= bytes.count,
                zip(bytes[index..<index + key.count], key).allSatisfy({ lowercased($0) == $1 })
            else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var cursor = index + key.count
            while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else {
                output.append(contentsOf: bytes[index..<index + key.count])
                index += key.count
                continue
            }
            cursor += 1
            while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
            output.append(contentsOf: bytes[index..<cursor])
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "'") {
                cursor += 1
                while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "'") {
                    cursor += bytes[cursor] == UInt8(ascii: "\\") ? 2 : 1
                }
                cursor = min(cursor + 1, bytes.count)
            } else {
                while cursor < bytes.count, !isDelimiter(bytes[cursor]), bytes[cursor] != UInt8(ascii: "&") { cursor += 1 }
            }
            output.append(contentsOf: mask8)
            index = cursor
        }
        return output
    }

    /// A JWT (`eyJ` and base64url with two dots) or what follows `Bearer ` becomes `***`.
    private static func maskingTokens(_ bytes: [UInt8]) -> [UInt8] {
        let jwtStart = Array("eyJ".utf8)
        let bearer = Array("Bearer ".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index...].starts(with: bearer) {
                output.append(contentsOf: bearer)
                var end = index + bearer.count
                while end < bytes.count, !isDelimiter(bytes[end]) { end += 1 }
                if end > index + bearer.count { output.append(contentsOf: mask8) }
                index = end
                continue
            }
            if bytes[index...].starts(with: jwtStart), index == 0 || !isTokenByte(bytes[index - 1]) {
                var end = index
                var dots = 0
                while end < bytes.count, isTokenByte(bytes[end]) || bytes[end] == UInt8(ascii: ".") {
                    if bytes[end] == UInt8(ascii: ".") { dots += 1 }
                    end += 1
                }
                if dots >= 2 {
                    output.append(contentsOf: mask8)
                    index = end
                    continue
                }
            }
            output.append(bytes[index])
            index += 1
        }
        return output
    }

    /// Whitespace and the quotes and brackets that end a value in a log line.
    private static func isDelimiter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: ")") || byte == UInt8(ascii: ",")
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
