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
        try await request("GET", path, port: port)
    }

    /// `POST path` with `body` and `headers` on 127.0.0.1:`port`.
    static func post(_ path: String, body: String, headers: [(String, String)] = [], port: Int) async throws -> Response {
        try await request("POST", path, headers: headers + [("Content-Length", String(body.utf8.count))], body: body, port: port)
    }

    /// One request on a connection of its own, read until the server closes it.
    static func request(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: String = "", port: Int
    ) async throws -> Response {
        try await onDedicatedThread(name: "test-http") {
            let fd = try StalledSocket.rawConnection(port: port)
            defer { close(fd) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let head = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
            let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\(head)\r\n\(body)".utf8)
            var written = 0
            while written < request.count {
                let count = request[written...].withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                // The server may answer (413) and close before the whole body is written.
                guard count > 0 else { break }
                written += count
            }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = read(fd, &chunk, chunk.count)
                // A server that answered before reading the whole body may reset the connection.
                if count < 0, !received.isEmpty { break }
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
