#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit, which caps how many clients one relay can hold (each
/// is a file descriptor).
public struct OpenFileLimit: Sendable, Equatable {
    /// The soft limit before `raiseToHardLimit()`.
    public var previous: Int
    /// The soft limit in force now.
    public var current: Int
    /// The hard limit, the most an unprivileged process may raise its soft limit to.
    public var hard: Int

    /// Descriptors the relay needs besides clients: standard streams, the event loops'
    /// epoll and wake-up descriptors, the listening socket, PostgreSQL connections, key
    /// files being reloaded.
    private static let reservedDescriptors = 64

    /// About how many client connections the current limit leaves room for.
    public var clientConnections: Int { max(0, current - Self.reservedDescriptors) }

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns the limits; nil when
    /// the system does not say.
    public static func raiseToHardLimit() -> OpenFileLimit? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        let previous = limit.rlim_cur
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(resource, &limit)
            guard getrlimit(resource, &limit) == 0 else { return nil }
        }
        return OpenFileLimit(previous: count(previous), current: count(limit.rlim_cur), hard: count(limit.rlim_max))
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    /// `value` as an Int; "unlimited" (RLIM_INFINITY, all bits set) counts as Int.max.
    private static func count(_ value: rlim_t) -> Int {
        value > rlim_t(Int.max) ? Int.max : Int(value)
    }
}
