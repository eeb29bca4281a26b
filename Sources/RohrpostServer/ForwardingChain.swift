/// The addresses a request passed through, as proxies recorded them in `X-Forwarded-For`
/// or `Forwarded` (RFC 7239): the original client first, the nearest proxy's peer last.
/// An entry that is not an address (`unknown`, an obfuscated `_name`, garbage) is nil.
public struct ForwardingChain: Sendable, Equatable {
    /// One entry per hop, left to right as in the header.
    public var hops: [IPAddress?]

    /// Creates a chain of these hops.
    public init(hops: [IPAddress?]) {
        self.hops = hops
    }

    /// Reads the values of every `X-Forwarded-For` line, in order: comma-separated
    /// addresses, each maybe with a port (`192.0.2.1:5000`, `[2001:db8::1]:443`).
    public init(xForwardedFor lines: [String]) {
        hops = lines.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { Self.address(in: $0.trimmingSpaces) }
    }

    /// Reads the values of every `Forwarded` line, in order: comma-separated elements
    /// of `;`-separated pairs, whose `for=` (a token or a quoted string) names the hop.
    public init(forwarded lines: [String]) {
        hops = lines.flatMap { Self.split($0, at: ",") }.map { element in
            let forValue = Self.split(element, at: ";").lazy.compactMap { pair -> Substring? in
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingSpaces.lowercased() == "for" else { return nil }
                return parts[1].trimmingSpaces
            }.first
            guard var value = forValue else { return nil }
            if value.count >= 2, value.first == "\"", value.last == "\"" {
                value = value.dropFirst().dropLast()
            }
            return Self.address(in: value)
        }
    }

    /// An address with or without a port: `a.b.c.d`, `a.b.c.d:port`, `v6`, `[v6]`, `[v6]:port`.
    private static func address(in text: Substring) -> IPAddress? {
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && isPort(rest.dropFirst())) else { return nil }
            return IPAddress(text[text.index(after: text.startIndex)..<close])
        }
        if let address = IPAddress(text) { return address }
        // IPv4 with a port; a bare IPv6 address has more than one colon and was read above.
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, isPort(parts[1]), let address = IPAddress(parts[0]), address.bytes.count == 4 else {
            return nil
        }
        return address
    }

    private static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Splits at `separator` outside double quotes (RFC 7230 quoted strings, with `\` escapes).
    private static func split(_ text: some StringProtocol, at separator: Character) -> [Substring] {
        let text = Substring(text)
        var pieces: [Substring] = []
        var start = text.startIndex
        var quoted = false
        var escaped = false
        for index in text.indices {
            let character = text[index]
            if escaped {
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == separator && !quoted {
                pieces.append(text[start..<index])
                start = text.index(after: index)
            }
        }
        pieces.append(text[start...])
        return pieces
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let start = firstIndex { !isSpace($0) } ?? endIndex
        let end = lastIndex { !isSpace($0) }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
