import NIOCore
import NIOHTTP1

/// Answers plain HTTP requests that did not upgrade to WebSocket: the health, readiness,
/// metrics and status endpoints, the live page, publish requests, and short texts for
/// everything else. One response per connection, then it closes.
final class HTTPFallbackHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let webSocketPath: String
    private let allowedOrigins: Set<String>?
    let endpoints: HTTPEndpoints
    private var answered = false
    /// The body of a publish request, while it arrives; with its `Authorization` header.
    var publishBody: RequestBody?
    var publishAuthorization: String?
    /// Set when the upgrader refused the request because its client holds its limit.
    private var addressOverLimit = false

    init(webSocketPath: String, allowedOrigins: Set<String>? = nil, endpoints: HTTPEndpoints) {
        self.webSocketPath = webSocketPath
        self.allowedOrigins = allowedOrigins
        self.endpoints = endpoints
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head) where !answered:
            answered = true
            route(head, context: context)
        case .head:
            break
        case .body(let buffer):
            publishBodyArrived(buffer, context: context)
        case .end:
            publishRequestEnded(context: context)
        }
    }

    private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let withBody = head.method != .HEAD
        if addressOverLimit {
            return respond(
                context, .serviceUnavailable, "Too many connections from your address; try again later.\n",
                withBody: withBody, extraHeaders: [("Retry-After", "5")])
        }
        switch HTTPRoute(method: head.method, uri: head.uri, webSocketPath: webSocketPath, publishPath: endpoints.publish?.path) {
        case .health:
            respond(context, .ok, "ok\n", withBody: withBody)
        case .readiness:
            switch endpoints.readiness() {
            case .ready: respond(context, .ok, "ready\n", withBody: withBody)
            case .notReady(let reason): respond(context, .serviceUnavailable, "not ready: \(reason)\n", withBody: withBody)
            }
        case .metrics:
            guard let metrics = endpoints.metrics else { return notFound(context, withBody: withBody) }
            respondLater(context, withBody: withBody, contentType: "text/plain; version=0.0.4; charset=utf-8", metrics)
        case .status:
            guard let status = endpoints.status else { return notFound(context, withBody: withBody) }
            respondLater(context, withBody: withBody, contentType: "application/json", status)
        case .livePage(let path):
            guard endpoints.livePage, let file = LivePage.file(at: path, webSocketPath: webSocketPath) else {
                return notFound(context, withBody: withBody)
            }
            respond(
                context, .ok, file.text, withBody: withBody, contentType: file.contentType,
                extraHeaders: [("Content-Security-Policy", LivePage.contentSecurityPolicy)])
        case .webSocketWithoutUpgrade where !OriginCheck.allows(head.headers.first(name: "Origin"), allowedOrigins):
            respond(context, .forbidden, "This origin may not connect.\n", withBody: withBody)
        case .webSocketWithoutUpgrade:
            respond(context, .upgradeRequired, "Connect with a WebSocket client to \(webSocketPath).\n", withBody: withBody)
        case .publish:
            publishRequestStarted(head, context: context)
        case .methodNotAllowed(let allow):
            respond(context, .methodNotAllowed, "Only \(allow) is served here.\n", withBody: withBody, extraHeaders: [("Allow", allow)])
        case .notFound:
            notFound(context, withBody: withBody)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is AddressOverLimit else { return context.fireErrorCaught(error) }
        addressOverLimit = true
    }

    /// Responds with what `body` returns; it may sample gauges across event loops, so it
    /// runs off this loop and the response is written back on it.
    private func respondLater(
        _ context: ChannelHandlerContext, withBody: Bool, contentType: String, _ body: @escaping @Sendable () async -> String
    ) {
        let text = context.eventLoop.makePromise(of: String.self)
        text.completeWithTask { await body() }
        text.futureResult.assumeIsolated().whenSuccess { text in
            self.respond(context, .ok, text, withBody: withBody, contentType: contentType)
        }
    }

    private func notFound(_ context: ChannelHandlerContext, withBody: Bool) {
        respond(context, .notFound, "Not found. rohrpost clients connect to \(webSocketPath).\n", withBody: withBody)
    }

    func respond(
        _ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ text: String, withBody: Bool,
        contentType: String = "text/plain; charset=utf-8", extraHeaders: [(String, String)] = []
    ) {
        PlainHTTPResponse(status: status, text: text, contentType: contentType, extraHeaders: extraHeaders)
            .send(on: context, withBody: withBody)
    }
}
