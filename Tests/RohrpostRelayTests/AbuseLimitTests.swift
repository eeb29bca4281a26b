import Foundation
import NIOCore
import NIOWebSocket
import RelayTestSupport
import Testing

/// Hostile clients meet limits with a clear close code or error, and nobody else notices.
@Suite struct AbuseLimitTests {
    /// The close code a client got next, or nil for another message.
    static func closeCode(_ client: WebSocketTestClient) async throws -> UInt16? {
        while true {
            switch try await client.receive(timeout: .seconds(10)) {
            case .close(let code, _): return code
            case .text, .binary: continue
            }
        }
    }

    /// A bystander that must keep being served.
    static func expectServed(_ bystander: WebSocketTestClient) async throws {
        #expect(try await bystander.request(#"{"id": 99, "type": "ping"}"#) == #"{"id":99,"type":"pong"}"#)
    }

    @Test func tenMegabyteFrameClosesWith1009() async throws {
        try await LiveRelay.with { live in
            let bystander = try await live.connect()
            let client = try await live.connect()
            let payload = ByteBuffer(repeating: UInt8(ascii: "a"), count: 10 * 1024 * 1024)
            try? await client.send(rawFrame: WebSocketFrame(fin: true, opcode: .text, data: payload))
            #expect(try await Self.closeCode(client) == 1009)
            try await Self.expectServed(bystander)
        }
    }

    @Test func tenMegabyteMessageIn64KiBFragmentsClosesWith1009() async throws {
        try await LiveRelay.with { live in
            let bystander = try await live.connect()
            let client = try await live.connect()
            let fragment = ByteBuffer(repeating: UInt8(ascii: "a"), count: 64 * 1024)
            do {
                for index in 0..<160 {
                    try await client.send(rawFrame: WebSocketFrame(fin: index == 159, opcode: index == 0 ? .text : .continuation, data: fragment))
                }
            } catch {}  // the relay may close before the last fragment is written
            #expect(try await Self.closeCode(client) == 1009)
            try await Self.expectServed(bystander)
        }
    }

    @Test func deeplyNestedJSONIsAnsweredWithAnErrorAndTheConnectionStays() async throws {
        try await LiveRelay.with(configure: { $0.server.maximumMessageSize = 256 * 1024 }) { live in
            let client = try await live.connect()
            for depth in [30_000, 100_000] {
                let reply = try await client.request(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
                #expect(reply.hasPrefix(#"{"error":"Could not decode JSON message. Error: "#), "depth \(depth)")
            }
            try await Self.expectServed(client)
        }
    }

    @Test func subscriptionsPerConnectionAreLimited() async throws {
        try await LiveRelay.with(configure: { $0.server.maximumSubscriptions = 1_000; $0.server.messagesPerSecond = 100_000; $0.server.messageBurst = 100_000 }) { live in
            let client = try await live.connect()
            for id in 1...10_000 {
                try await client.send(text: #"{"id": \#(id), "type": "subscribe", "data": {"type": "g", "id": \#(id)}}"#)
            }
            var accepted = 0
            var refused = 0
            for _ in 1...10_000 {
                let reply = try await client.receiveJSON()
                if reply["error"] as? String == "Too many subscriptions on this connection (at most 1000)." { refused += 1 } else { accepted += 1 }
            }
            #expect(accepted == 1_000 && refused == 9_000)
            try await Self.expectServed(client)
            #expect(await live.relay.counts().groups <= 1_000)
        }
    }

    @Test func pingFloodIsClosedWith1008AndOthersKeepGettingPongs() async throws {
        try await LiveRelay.with(configure: { $0.server.messagesPerSecond = 50; $0.server.messageBurst = 100 }) { live in
            let bystander = try await live.connect()
            let flooder = try await live.connect()
            do {
                for id in 1...2_000 { try await flooder.send(text: #"{"id": \#(id), "type": "ping"}"#) }
            } catch {}
            #expect(try await Self.closeCode(flooder) == 1008)
            try await Self.expectServed(bystander)
        }
    }

    @Test func connectionsPerAddressAreLimitedWithHTTP503() async throws {
        try await LiveRelay.with(configure: { $0.server.maximumConnectionsPerAddress = 3 }) { live in
            var clients: [WebSocketTestClient] = []
            for _ in 1...3 { clients.append(try await live.connect()) }
            let refused = await #expect(throws: TestSupportError.self) { try await live.connect() }
            #expect(refused?.code == .upgradeFailed(status: 503))
            try await clients[0].close()
            try await Task.sleep(for: .milliseconds(100))
            clients[0] = try await live.connect()  // a freed slot is usable again
            try await Self.expectServed(clients[0])
        }
    }

    @Test func silentClientIsClosedAfterTheIdleTimeout() async throws {
        try await LiveRelay.with(configure: { $0.server.idleTimeout = .seconds(1) }) { live in
            let started = ContinuousClock.now
            let client = try await live.connect()
            #expect(try await client.receive(timeout: .seconds(15)) == .close(code: 1000, reason: "idle timeout"))
            #expect(ContinuousClock.now - started >= .seconds(1))
        }
    }

    @Test func handshakeThatNeverCompletesIsDropped() async throws {
        try await LiveRelay.with(configure: { $0.server.handshakeTimeout = .milliseconds(300) }) { live in
            let socket = try StalledSocket.rawConnection(port: live.port)
            defer { close(socket) }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var byte: UInt8 = 0
            let started = ContinuousClock.now
            #expect(recv(socket, &byte, 1, 0) == 0, "the relay closed the silent socket")
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }
}

/// The `Origin` allow-list, for browsers.
@Suite struct OriginTests {
    @Test func onlyListedBrowserOriginsMayConnect() async throws {
        try await LiveRelay.with(configure: { $0.server.allowedOrigins = ["https://app.example.com"] }) { live in
            let allowed = try await WebSocketTestClient.connect(port: live.port, headers: [("Origin", "https://app.example.com")])
            #expect(try await allowed.request(#"{"id": 1, "type": "ping"}"#) == #"{"id":1,"type":"pong"}"#)
            let refused = await #expect(throws: TestSupportError.self) {
                try await WebSocketTestClient.connect(port: live.port, headers: [("Origin", "https://evil.example")])
            }
            #expect(refused?.code == .upgradeFailed(status: 403))
            let notABrowser = try await WebSocketTestClient.connect(port: live.port)
            #expect(try await notABrowser.request(#"{"id": 2, "type": "ping"}"#) == #"{"id":2,"type":"pong"}"#)
        }
    }
}
