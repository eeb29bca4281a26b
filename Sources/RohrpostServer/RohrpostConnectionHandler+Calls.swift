import NIOCore
import RohrpostProtocol

/// Custom calls: requests of types beyond ping, subscribe and unsubscribe, answered by the
/// application's handlers off the event loop.
extension RohrpostConnectionHandler {
    /// Runs the application's handler for `typeName` off the event loop; the reply comes
    /// back whenever it is ready, so a slow handler holds up nothing else.
    func call(_ typeName: String, _ request: Request) {
        guard !shared.handlers.isEmpty else {
            send(.unknownType(of: request))
            return
        }
        guard callsInFlight < shared.maximumCallsInFlight else {
            send(.error("Too many requests in flight; wait for replies before sending more.", to: request))
            return
        }
        callsInFlight += 1
        let (handlers, timeout, logger, metrics) = (shared.handlers, shared.handlerTimeout, shared.logger, shared.metrics)
        let eventLoop = eventLoop
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let answer: @Sendable (Reply) -> Void = { reply in
            eventLoop.execute {
                handler.value.callsInFlight -= 1
                handler.value.send(reply)
                handler.value.flushEnqueued()
            }
        }
        shared.accessPolicy.authenticate(token: request.authJWT) { authentication in
            let claims: JSONValue?
            switch authentication {
            case .denied:
                metrics.authRefusals.increment()
                answer(.accessDenied(to: request))
                return
            case .anonymous:
                claims = nil
            case .verified(let verified):
                claims = verified
            }
            let context = HandlerContext(token: request.authJWT, claims: claims) { error in
                logger.error("handler for '\(typeName)' failed: \(error)")
            }
            eventLoop.makeFutureWithTask {
                await handlers.reply(to: request, typeName: typeName, context: context, timeout: timeout)
            }.whenSuccess(answer)
        }
    }
}
