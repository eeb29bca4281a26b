import NIOCore
import RohrpostProtocol

/// Subscribing: carries out what `SubscriptionStateMachine` decides (ask the access
/// policy, read a backlog, join, write, close) and feeds the answers back to it on this
/// connection's event loop.
extension RohrpostConnectionHandler {
    /// Carries out `actions` in order.
    func perform(_ actions: [SubscriptionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .reply(let reply):
                send(reply)
            case .authorize(let group, let since, let request):
                authorize(group, since: since, request: request)
            case .join(let group):
                _ = subscriptions?.add(self, to: group)
            case .leave(let group):
                subscriptions?.remove(self, from: group)
            case .readBacklog(let group, let since, let through):
                readBacklog(group, since: since, through: through)
            case .write(let messages):
                for message in messages { write(message.frame) }
            case .closeWhenTokenExpires(let expiry):
                closeWhenTokenExpires(at: expiry)
            case .recheck(let groups, let token):
                recheck(groups, withNewToken: token)
            case .close(let code):
                close(with: code)
            }
        }
    }

    /// Asks the access policy once the live stream has started (a subscribe confirmed
    /// earlier could miss events), then hands the decision to the state machine on this loop.
    private func authorize(_ group: Group, since: Int64?, request: Request) {
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let (eventLoop, accessPolicy) = (eventLoop, shared.accessPolicy)
        shared.fanOut.liveStream.whenStarted {
            eventLoop.answer {
                await accessPolicy.authorize(subscribeTo: group.name, token: request.authJWT)
            } then: { decision in
                handler.value.decided(decision, group, since: since, request: request)
            }
        }
    }

    private func decided(_ decision: AccessDecision, _ group: Group, since: Int64?, request: Request) {
        guard context != nil, !isClosing else {
            subscription.decidedAfterClose()
            return
        }
        if decision == .denied { shared.metrics.authRefusals.increment() }
        perform(
            subscription.decided(
                decision, group: group, since: since, request: request, livePosition: subscriptions?.position))
        flushEnqueued()
    }

    /// Reads `group`'s backlog after `since`, through the loop's position at the join, and
    /// hands it to the state machine on this loop.
    private func readBacklog(_ group: Group, since: Int64, through: Int64?) {
        guard let source = shared.backlogSource else { return }
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let eventLoop = eventLoop
        eventLoop.answer {
            await source.backlog(for: group.name, after: since, through: through)
        } then: { backlog in
            let connection = handler.value
            connection.perform(
                connection.subscription.backlogRead(backlog, for: group, isOpen: connection.context != nil && !connection.isClosing))
            connection.flushEnqueued()
        }
    }

    /// A newer token replaces the old one: each of `groups` must still be allowed with it,
    /// else the connection is closed with 4403 (the client cannot be told otherwise without
    /// an unasked message).
    private func recheck(_ groups: [String], withNewToken newToken: String?) {
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let (eventLoop, accessPolicy) = (eventLoop, shared.accessPolicy)
        for group in groups {
            eventLoop.answer {
                await accessPolicy.authorize(subscribeTo: group, token: newToken)
            } then: { decision in
                guard decision == .denied else { return }
                // After the subscribe that brought the new token is answered.
                eventLoop.execute {
                    guard handler.value.subscription.isCurrentToken(newToken) else { return }  // a newer token decides
                    handler.value.close(with: .accessRevoked)
                }
            }
        }
    }

    /// Closes the connection with 4401 when the newest token it subscribed with expires.
    private func closeWhenTokenExpires(at expiry: ContinuousClock.Instant) {
        tokenExpiry?.cancel()
        let remaining = ContinuousClock.now.duration(to: expiry)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        tokenExpiry = eventLoop.scheduleTask(in: TimeAmount(max(.zero, remaining))) {
            handler.value.close(with: .tokenExpired)
        }
    }
}
