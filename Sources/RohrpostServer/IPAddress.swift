import NIOCore

/// An IPv4 or IPv6 address as its bytes (4 or 16). An IPv4-mapped IPv6 address
/// (`::ffff:192.0.2.1`, what a socket listening on `::` reports for an IPv4 peer) is the
/// IPv4 address, so one client counts once whichever way it arrived.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    public let bytes: [UInt8]

    /// Reads `192.0.2.1`, `2001:db8::1` or `::ffff:192.0.2.1`; nil for anything else
    /// (host names, ports, brackets, zone ids).
    public init?(_ text: some StringProtocol) {
        guard !text.isEmpty, !text.contains("%"), let address = try? SocketAddress(ipAddress: String(text), port: 0) else {
            return nil
        }
        self.init(address)
    }

    /// `0.0.0.0`: the address of a peer that has none (a Unix socket).
    public static let unspecified = IPAddress(known: [0, 0, 0, 0])

    private init(known bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The address with these bytes; nil unless there are 4 or 16.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// The address of an IPv4 or IPv6 socket address; nil for a Unix socket.
    public init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            bytes = withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            let raw = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            bytes = raw.starts(with: Self.mappedIPv4Prefix) ? Array(raw.suffix(4)) : raw
        case .unixDomainSocket:
            return nil
        }
    }

    /// `::ffff:0:0/96`, the IPv6 addresses that stand for IPv4 ones.
    private static let mappedIPv4Prefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]

    /// The usual text form: `192.0.2.1`, `2001:db8::1`.
    public var description: String {
        let packed = ByteBuffer(bytes: bytes)
        return (try? SocketAddress(packedIPAddress: packed, port: 0))?.ipAddress ?? "?"
    }
}
