/// A block of IP addresses written `address/prefix` (`10.0.0.0/8`, `fd00::/8`), or one
/// address alone (`127.0.0.1`, all 32 or 128 bits).
public struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    /// The block's first address (bits past the prefix are zero).
    public let network: IPAddress
    /// How many leading bits an address shares with `network` to be in the block.
    public let prefixLength: Int

    /// Reads `address/prefix` or a bare address; nil when either part is not valid
    /// (a prefix longer than the address, a host name). Bits past the prefix are ignored.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let bits = address.bytes.count * 8
        var prefixLength = bits
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...bits).contains(prefix), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            prefixLength = prefix
        }
        guard let network = IPAddress(bytes: Self.masked(address.bytes, to: prefixLength)) else { return nil }
        self.prefixLength = prefixLength
        self.network = network
    }

    /// Whether `address` lies in this block; an IPv4 address is never in an IPv6 block,
    /// nor the other way round.
    public func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == network.bytes.count && Self.masked(address.bytes, to: prefixLength) == network.bytes
    }

    public var description: String { "\(network)/\(prefixLength)" }

    private static func masked(_ bytes: [UInt8], to prefixLength: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(8, max(0, prefixLength - index * 8))
            return keep == 8 ? byte : byte & ~(UInt8(0xFF) >> keep)
        }
    }
}
