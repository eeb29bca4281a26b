import NIOHTTP1
import RohrpostServer
import Testing

/// Which address a client gets behind proxies: what `--trusted-proxy` believes of
/// `X-Forwarded-For` and `Forwarded`, and what it ignores.
@Suite struct TrustedProxiesTests {
    private let nginx = TrustedProxies([CIDRBlock("127.0.0.0/8")!, CIDRBlock("10.0.0.0/8")!, CIDRBlock("fd00::/8")!])

    private func address(_ text: String) -> IPAddress { IPAddress(text)! }

    private func client(from peer: String, _ headers: [(String, String)]) -> String {
        nginx.clientAddress(peer: address(peer), headers: HTTPHeaders(headers)).description
    }

    @Test func addressesReadInBothFamiliesAndPrintCanonically() {
        #expect(IPAddress("192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(IPAddress("2001:DB8:0:0::1")?.description == "2001:db8::1")
        #expect(IPAddress("::ffff:192.0.2.1") == IPAddress("192.0.2.1"))
        for garbage in ["", "localhost", "192.0.2.256", "192.0.2", "1.2.3.4:80", "[::1]", "fe80::1%eth0", " 1.2.3.4"] {
            #expect(IPAddress(garbage) == nil, "\(garbage)")
        }
    }

    @Test func blocksContainTheirAddressesAndNoOthers() throws {
        let block = try #require(CIDRBlock("10.1.2.3/16"))
        #expect(block.description == "10.1.0.0/16")
        #expect(block.contains(address("10.1.255.255")))
        #expect(!block.contains(address("10.2.0.0")))
        #expect(!block.contains(address("::ffff:10.2.0.1")))
        #expect(CIDRBlock("0.0.0.0/0")!.contains(address("203.0.113.9")))
        #expect(!CIDRBlock("0.0.0.0/0")!.contains(address("2001:db8::1")))
        #expect(CIDRBlock("2001:db8::/32")!.contains(address("2001:db8:ffff::1")))
        #expect(!CIDRBlock("2001:db8::/33")!.contains(address("2001:db8:ffff::1")))
        #expect(CIDRBlock("192.0.2.7")!.contains(address("192.0.2.7")))
        #expect(!CIDRBlock("192.0.2.7")!.contains(address("192.0.2.8")))
        for garbage in ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "proxy.internal/8", "/8", "10.0.0.0/ 8"] {
            #expect(CIDRBlock(garbage) == nil, "\(garbage)")
        }
    }

    @Test func xForwardedForReadsEveryLineAndPort() {
        let chain = ForwardingChain(xForwardedFor: ["203.0.113.9:5123, [2001:db8::7]:443", " 10.0.0.2 ,2001:db8::8, unknown,"])
        #expect(chain.hops == [address("203.0.113.9"), address("2001:db8::7"), address("10.0.0.2"), address("2001:db8::8"), nil, nil])
    }

    @Test func forwardedReadsForParametersQuotedOrNot() {
        let chain = ForwardingChain(forwarded: [
            #"for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711""#,
            #"proto=https;for=_hidden, for=unknown, by=10.0.0.1, for="10.0.0.3;x=\",y""#,
        ])
        #expect(chain.hops == [address("192.0.2.60"), address("2001:db8:cafe::17"), nil, nil, nil, nil])
    }

    @Test func theRightMostUntrustedHopIsTheClient() {
        #expect(client(from: "127.0.0.1", [("X-Forwarded-For", "198.51.100.1, 203.0.113.9, 10.0.0.5")]) == "203.0.113.9")
        #expect(client(from: "127.0.0.1", [("X-Forwarded-For", "2001:db8::9")]) == "2001:db8::9")
        #expect(client(from: "::ffff:127.0.0.1", [("X-Forwarded-For", "203.0.113.9")]) == "203.0.113.9")
    }

    @Test func aClientNotBehindATrustedProxyKeepsItsOwnAddress() {
        #expect(client(from: "198.51.100.7", [("X-Forwarded-For", "203.0.113.9")]) == "198.51.100.7")
        #expect(client(from: "198.51.100.7", [("Forwarded", "for=203.0.113.9")]) == "198.51.100.7")
        #expect(TrustedProxies().clientAddress(peer: address("127.0.0.1"), headers: HTTPHeaders([("X-Forwarded-For", "203.0.113.9")])).description == "127.0.0.1")
    }

    @Test func whatAClientWritesLeftOfTheProxysEntryIsIgnored() {
        // The client sent "X-Forwarded-For: 10.0.0.9" itself; nginx appended the address it saw.
        #expect(client(from: "127.0.0.1", [("X-Forwarded-For", "10.0.0.9, 203.0.113.9")]) == "203.0.113.9")
        #expect(client(from: "127.0.0.1", [("X-Forwarded-For", "garbage, 203.0.113.9")]) == "203.0.113.9")
    }

    @Test func anUnreadableEntryFromATrustedProxyStopsAtThatProxy() {
        #expect(client(from: "127.0.0.1", [("X-Forwarded-For", "203.0.113.9, unknown")]) == "127.0.0.1")
        #expect(client(from: "127.0.0.1", [("X-Forwarded-For", "203.0.113.9, nonsense, 10.0.0.5")]) == "10.0.0.5")
        #expect(client(from: "127.0.0.1", [("X-Forwarded-For", "")]) == "127.0.0.1")
    }

    @Test func aChainOfTrustedProxiesGivesItsFirstEntry() {
        #expect(client(from: "127.0.0.1", [("X-Forwarded-For", "10.0.0.8, 10.0.0.5")]) == "10.0.0.8")
        #expect(client(from: "127.0.0.1", []) == "127.0.0.1")
    }

    @Test func forwardedIsReadOnlyWithoutXForwardedFor() {
        #expect(client(from: "127.0.0.1", [("Forwarded", #"for="[2001:db8::5]:1234""#)]) == "2001:db8::5")
        #expect(client(from: "127.0.0.1", [("Forwarded", "for=198.51.100.1"), ("X-Forwarded-For", "203.0.113.9")]) == "203.0.113.9")
    }
}
