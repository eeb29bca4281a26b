import NIOCore
import NIOHTTP1

/// Answers every request on a connection the server will not serve (over a connection
/// limit) with one fixed response, then closes it.
final class HTTPRefusalHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let response: PlainHTTPResponse

    init(status: HTTPResponseStatus, text: String) {
        response = PlainHTTPResponse(status: status, text: text, extraHeaders: [("Retry-After", "5")])
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head = unwrapInboundIn(data) else { return }
        response.send(on: context)
    }
}
