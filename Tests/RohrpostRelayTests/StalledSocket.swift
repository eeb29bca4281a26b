import Foundation

/// A WebSocket client on a plain blocking socket that subscribes and then stops reading,
/// as a frozen browser tab would. Tests use it to check the relay's per-client limit.
final class StalledSocket {
    private let descriptor: Int32

    /// Connects, upgrades, and sends one subscribe request; reads nothing after the handshake.
    init(port: Int, subscribe data: String) throws {
        descriptor = try Self.rawConnection(port: port, receiveBuffer: 4096)
        try send(Array("""
            GET /ws/rohrpost/ HTTP/1.1\r
            Host: 127.0.0.1\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Sec-WebSocket-Version: 13\r
            \r

            """.utf8))
        var response = [UInt8](repeating: 0, count: 1024)
        let count = recv(descriptor, &response, response.count, 0)
        guard count > 0, String(decoding: response[..<count], as: UTF8.self).hasPrefix("HTTP/1.1 101") else {
            throw LiveRelayError("upgrade refused")
        }
        try send(Self.maskedTextFrame(#"{"id": 1, "type": "subscribe", "data": \#(data)}"#))
    }

    deinit {
        close(descriptor)
    }

    /// Reads everything the relay sent until it closed the connection; nil if it is still
    /// open after `timeout`. The relay's close frame, if any, is among the returned bytes.
    func drainUntilClosed(timeout: Duration) -> [UInt8]? {
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 || (count < 0 && errno == ECONNRESET) { return received }
            if count < 0 { return nil }
            received.append(contentsOf: buffer[..<count])
        }
    }

    /// A plain TCP connection to the relay, with a small receive buffer if asked.
    static func rawConnection(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw LiveRelayError("cannot connect: errno \(errno)")
        }
        return descriptor
    }

    private func send(_ bytes: [UInt8]) throws {
        guard Glibc.send(descriptor, bytes, bytes.count, 0) == bytes.count else {
            throw LiveRelayError("send failed: errno \(errno)")
        }
    }

    private static func maskedTextFrame(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let mask: [UInt8] = [1, 2, 3, 4]
        precondition(payload.count < 126)
        return [0x81, 0x80 | UInt8(payload.count)] + mask
            + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }
}
