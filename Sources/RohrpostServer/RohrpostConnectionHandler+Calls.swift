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
        let accessPolicy = shared.accessPolicy
        eventLoop.answer { () -> Reply in
            let claims: JSONValue?
            switch await accessPolicy.authenticate(token: request.authJWT) {
            case .denied:
                metrics.authRefusals.increment()
                return .accessDenied(to: request)
            case .anonymous:
                claims = nil
            case .verified(let verified):
                claims = verified
            }
            let context = HandlerContext(token: request.authJWT, claims: claims) { error in
                logger.error("handler for '\(typeName)' failed: \(error)")
            }
            return await handlers.reply(to: request, typeName: typeName, context: context, timeout: timeout)
        } then: { reply in
            handler.value.callsInFlight -= 1
            handler.value.send(reply)
            handler.value.flushEnqueued()
        }
    }
}
