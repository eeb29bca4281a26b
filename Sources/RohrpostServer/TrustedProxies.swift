import NIOHTTP1

/// The proxies whose forwarding headers name the client: for a connection from one of
/// them the client's address is read from `X-Forwarded-For` (or, without it, `Forwarded`);
/// from anyone else those headers are ignored, so a client cannot choose its own address.
public struct TrustedProxies: Sendable, Equatable {
    /// The address blocks trusted to report the address they saw.
    public var blocks: [CIDRBlock]

    /// Trusts the proxies in `blocks`; none trusts no one.
    public init(_ blocks: [CIDRBlock] = []) {
        self.blocks = blocks
    }

    /// Whether `address` is one of the trusted proxies.
    public func trusts(_ address: IPAddress) -> Bool {
        blocks.contains { $0.contains(address) }
    }

    /// The client's address for a request from `peer` with these headers.
    public func clientAddress(peer: IPAddress, headers: HTTPHeaders) -> IPAddress {
        guard trusts(peer) else { return peer }
        let xForwardedFor = headers["X-Forwarded-For"]
        let chain =
            xForwardedFor.isEmpty
            ? ForwardingChain(forwarded: headers["Forwarded"])
            : ForwardingChain(xForwardedFor: xForwardedFor)
        return clientAddress(peer: peer, chain: chain)
    }

    /// Walks `chain` from the right, from the hop nearest to the relay: each entry a
    /// trusted proxy wrote is believed, and the first that is not itself trusted is the
    /// client. An entry that is not an address ends the walk at the proxy that wrote it;
    /// a chain of trusted proxies only gives its left-most entry.
    public func clientAddress(peer: IPAddress, chain: ForwardingChain) -> IPAddress {
        guard trusts(peer) else { return peer }
        var client = peer
        for hop in chain.hops.reversed() {
            guard let hop else { return client }
            client = hop
            if !trusts(hop) { return hop }
        }
        return client
    }
}
