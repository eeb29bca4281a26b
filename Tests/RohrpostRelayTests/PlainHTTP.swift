import Foundation
import RohrpostPostgres

#if canImport(Glibc)
import Glibc
#endif

/// A plain HTTP/1.1 GET over a raw socket to 127.0.0.1, for the relay's endpoints: one
/// request per connection, read until the server closes.
struct PlainHTTP {
    /// A response: status code and body.
    struct Response: Sendable {
        var status: Int
        var body: String
    }

    /// `GET path` on 127.0.0.1:`port`.
    static func get(_ path: String, port: Int) async throws -> Response {
        try await onDedicatedThread(name: "test-http") {
            let fd = try StalledSocket.rawConnection(port: port)
            defer { close(fd) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            guard write(fd, request, request.count) == request.count else { throw LiveRelayError("write failed") }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = read(fd, &chunk, chunk.count)
                guard count >= 0 else { throw LiveRelayError("read failed: errno \(errno)") }
                if count == 0 { break }
                received.append(contentsOf: chunk[..<count])
            }
            return try parse(String(decoding: received, as: UTF8.self))
        }
    }

    private static func parse(_ text: String) throws -> Response {
        guard let split = text.range(of: "\r\n\r\n") else { throw LiveRelayError("no complete HTTP response: \(text)") }
        let statusLine = text[..<split.lowerBound].prefix { $0 != "\r" }
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw LiveRelayError("bad status line: \(statusLine)") }
        return Response(status: status, body: String(text[split.upperBound...]))
    }
}
