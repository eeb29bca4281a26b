import NIOCore
import NIOHTTP1

/// One complete plain HTTP response, after which the connection closes: what the relay
/// sends to requests that do not upgrade to WebSocket.
struct PlainHTTPResponse {
    var status: HTTPResponseStatus
    var text: String
    var contentType = "text/plain; charset=utf-8"
    var extraHeaders: [(String, String)] = []

    /// Writes the response through `context` (a handler whose outbound type is
    /// `HTTPServerResponsePart`), then closes the channel.
    func send(on context: ChannelHandlerContext, withBody: Bool = true) {
        var headers = HTTPHeaders(extraHeaders)
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if withBody {
            let body = HTTPServerResponsePart.body(.byteBuffer(context.channel.allocator.buffer(string: text)))
            context.write(NIOAny(body), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
