import Foundation

/// A PostgreSQL `TimestampTz` as the replication protocol sends it: microseconds since
/// 2000-01-01 00:00:00 UTC (PostgreSQL's epoch), kept exact.
public struct ReplicationTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 2000-01-01 00:00:00 UTC; negative before it.
    public let microsecondsSince2000: Int64

    /// Seconds from 1970-01-01 (the Unix epoch) to 2000-01-01.
    static let unixSecondsAt2000: Int64 = 946_684_800

    /// Wraps a count of microseconds since PostgreSQL's epoch.
    public init(microsecondsSince2000: Int64) {
        self.microsecondsSince2000 = microsecondsSince2000
    }

    /// The timestamp nearest to `date`, to the microsecond.
    public init(_ date: Date) {
        let micros = (date.timeIntervalSince1970 - Double(Self.unixSecondsAt2000)) * 1_000_000
        microsecondsSince2000 = Int64(micros.rounded())
    }

    /// This moment, by the system clock.
    public static func now() -> ReplicationTimestamp { ReplicationTimestamp(Date()) }

    /// The same moment as a `Date` (to within a `Double`'s precision).
    public var date: Date {
        Date(timeIntervalSince1970: Double(Self.unixSecondsAt2000) + Double(microsecondsSince2000) / 1_000_000)
    }

    public var description: String { date.formatted(.iso8601) }

    public static func < (lhs: ReplicationTimestamp, rhs: ReplicationTimestamp) -> Bool {
        lhs.microsecondsSince2000 < rhs.microsecondsSince2000
    }
}
