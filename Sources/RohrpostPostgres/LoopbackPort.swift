import Foundation

/// Free TCP ports on 127.0.0.1, for servers started on this machine (the demo's and the
/// tests' PostgreSQL, relays under test).
public enum LoopbackPort {
    /// A port that was free a moment ago, chosen at random just below the kernel's
    /// ephemeral range: servers bound to port 0 and outgoing connections get ports from
    /// that range, so they cannot take this one before its caller binds it (only another
    /// caller of `free()` could, by the same random pick). Falls back to a port-0 pick when
    /// the range cannot be read.
    public static func free() throws -> Int {
        guard let ephemeralStart = ephemeralRangeStart(), ephemeralStart > 2048 else { return try kernelPick() }
        let candidates = max(1024, ephemeralStart - 12_000)..<ephemeralStart
        for _ in 0..<100 {
            let port = Int.random(in: candidates)
            if (try? bindAndRelease(port: port)) != nil { return port }
        }
        return try kernelPick()
    }

    /// A port the kernel picked for a bind to port 0, read back and released.
    private static func kernelPick() throws -> Int {
        try bindAndRelease(port: 0)
    }

    /// The first port of `net.ipv4.ip_local_port_range`, if readable.
    private static func ephemeralRangeStart() -> Int? {
        guard let range = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        else { return nil }
        return range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
    }

    /// Binds a socket to 127.0.0.1:`port` and releases it; returns the port bound.
    private static func bindAndRelease(port: Int) throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PostgresError(.connectionFailed, "cannot create a socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw PostgresError(.connectionFailed, "cannot find a free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
