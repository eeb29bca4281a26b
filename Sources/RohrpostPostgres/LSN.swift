/// A position in PostgreSQL's write-ahead log (`pg_lsn`), printed as two hex halves: `16/B374D848`.
public struct LSN: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The position as one 64-bit number.
    public let value: UInt64

    /// The position zero, which PostgreSQL calls invalid (`0/0`).
    public static let invalid = LSN(0)

    /// Wraps a 64-bit position.
    public init(_ value: UInt64) {
        self.value = value
    }

    /// Parses PostgreSQL's text form, `XXXXXXXX/XXXXXXXX` (one to eight hex digits each side).
    public init?(_ text: some StringProtocol) {
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2,
            halves.allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy(\.isHexDigit) }),
            let high = UInt64(halves[0], radix: 16), let low = UInt64(halves[1], radix: 16)
        else { return nil }
        value = high << 32 | low
    }

    /// The text form PostgreSQL prints and accepts.
    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (lhs: LSN, rhs: LSN) -> Bool { lhs.value < rhs.value }
}
