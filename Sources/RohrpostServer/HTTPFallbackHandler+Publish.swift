import NIOCore
import NIOHTTP1

/// `POST` to the publish path: the body is collected up to the endpoint's limit, then the
/// endpoint answers (off the event loop) and its JSON is the response.
extension HTTPFallbackHandler {
    func publishRequestStarted(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard let publish = endpoints.publish else { return }
        if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > publish.maximumBodySize {
            return bodyTooLarge(context, limit: publish.maximumBodySize)
        }
        publishBody = RequestBody(limit: publish.maximumBodySize)
        publishAuthorization = head.headers.first(name: "Authorization")
    }

    func publishBodyArrived(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard var body = publishBody else { return }
        publishBody = nil
        guard body.append(buffer) else { return bodyTooLarge(context, limit: body.limit) }
        publishBody = body
    }

    func publishRequestEnded(context: ChannelHandlerContext) {
        guard let body = publishBody, let publish = endpoints.publish else { return }
        publishBody = nil
        let authorization = publishAuthorization
        let answer = context.eventLoop.makePromise(of: PublishAnswer.self)
        answer.completeWithTask { await publish.handle(authorization, body.bytes) }
        answer.futureResult.assumeIsolated().whenSuccess { answer in
            self.respond(
                context, HTTPResponseStatus(statusCode: answer.status), answer.json + "\n", withBody: true,
                contentType: "application/json",
                extraHeaders: answer.status == 401 ? [("WWW-Authenticate", "Bearer")] : [])
        }
    }

    private func bodyTooLarge(_ context: ChannelHandlerContext, limit: Int) {
        respond(
            context, .payloadTooLarge, #"{"error":"the body is larger than \#(limit) bytes"}"# + "\n", withBody: true,
            contentType: "application/json")
    }
}
