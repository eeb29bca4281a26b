import NIOCore
import RohrpostProtocol

/// Subscribing: the access policy's decision, token expiry and replacement, and resuming
/// a group from `since` with no gap and no duplicate.
extension RohrpostConnectionHandler {
    /// Whether a subscribe to `group` stays within the subscription limit, counting the
    /// subscribes still waiting for their decision (so waiting ones cannot pile up).
    func hasRoomToSubscribe(to group: String) -> Bool {
        let limit = shared.maximumSubscriptions
        return subscribesInFlight < limit && (groups.contains(group) || groups.count + subscribesInFlight < limit)
    }

    /// Asks the access policy once the live stream has started (a subscribe confirmed
    /// earlier could miss events), then carries the subscribe out on this loop.
    func startSubscribe(_ group: Group, since: Int64?, request: Request) {
        subscribesInFlight += 1
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let (eventLoop, accessPolicy) = (eventLoop, shared.accessPolicy)
        shared.fanOut.liveStream.whenStarted {
            accessPolicy.authorize(subscribeTo: group.name, token: request.authJWT) { decision in
                guard eventLoop.inEventLoop else {
                    eventLoop.execute { handler.value.subscribe(group, since: since, request: request, decision: decision) }
                    return
                }
                handler.value.subscribe(group, since: since, request: request, decision: decision)
            }
        }
    }

    /// Carries out a subscribe once the access policy has decided.
    func subscribe(_ group: Group, since: Int64?, request: Request, decision: AccessDecision) {
        subscribesInFlight -= 1
        guard context != nil, !isClosing else { return }
        guard case .allowed(let expiry) = decision else {
            shared.metrics.authRefusals.increment()
            send(.accessDenied(to: request))
            flushEnqueued()
            return
        }
        if let expiry { closeWhenTokenExpires(at: expiry) }
        if request.authJWT != token {
            recheckGroups(withNewToken: request.authJWT, except: group.name)
        }
        if groups.insert(group.name).inserted {
            _ = subscriptions?.add(self, to: group.name)
        }
        switch (since, shared.backlogSource) {
        case (let since?, let source?) where resuming[group.name] == nil:
            resume(group, since: since, request: request, from: source)
        case (.some, nil):
            // Without a journal nothing can be recovered: subscribed from now.
            send(.confirming(group, recovered: false, position: subscriptions?.position, to: request))
        case (.some, .some):
            // A resume already under way for this group sends the backlog and says where.
            send(.confirming(group, recovered: true, to: request))
        case (.none, _):
            send(.confirming(group, position: resuming[group.name] == nil ? subscriptions?.position : nil, to: request))
        }
        flushEnqueued()
    }

    /// A newer token replaces the old one: each group the connection is in must still be
    /// allowed with it, else the connection is closed with 4403 (the client cannot be told
    /// otherwise without an unasked message).
    func recheckGroups(withNewToken newToken: String?, except newGroup: String) {
        token = newToken
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let eventLoop = eventLoop
        for group in groups where group != newGroup {
            shared.accessPolicy.authorize(subscribeTo: group, token: newToken) { decision in
                guard decision == .denied else { return }
                eventLoop.execute {
                    guard handler.value.token == newToken else { return }  // a newer token decides
                    handler.value.close(with: .accessRevoked)
                }
            }
        }
    }

    /// Closes the connection with 4401 when the newest token it subscribed with expires.
    func closeWhenTokenExpires(at expiry: ContinuousClock.Instant) {
        tokenExpiry?.cancel()
        let remaining = ContinuousClock.now.duration(to: expiry)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        tokenExpiry = eventLoop.scheduleTask(in: TimeAmount(max(.zero, remaining))) {
            handler.value.close(with: .tokenExpired)
        }
    }


    /// Starts reading `group`'s backlog after `since`; live messages for the group are held
    /// until it is in, then the reply, the backlog and the held messages go out in order.
    func resume(_ group: Group, since: Int64, request: Request, from source: any BacklogSource) {
        resuming[group.name] = ResumingGroup(request: request, since: since, joinedAt: subscriptions?.position)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let eventLoop = eventLoop
        source.backlog(for: group.name, after: since) { backlog in
            eventLoop.execute {
                handler.value.finishResume(group, backlog)
            }
        }
    }

    /// Answers a resuming subscribe once its backlog is read: the reply, the backlog, then
    /// the live messages held meanwhile.
    func finishResume(_ group: Group, _ backlog: Backlog) {
        guard let state = resuming.removeValue(forKey: group.name), context != nil, !isClosing else { return }
        if case .stopping = backlog {
            close(with: .goingAway)
            return
        }
        let recovered = if case .complete = backlog { true } else { false }
        let messages = state.messagesToSend(after: backlog)
        send(.confirming(group, recovered: recovered, position: state.position(after: backlog), to: state.request))
        for message in messages {
            write(message.frame)
        }
        if recovered {
            // Whatever the client saw or was just sent may still come by the live stream.
            resumedThrough[group.name] = max(state.since, messages.last?.position ?? state.since)
        }
        flushEnqueued()
    }
}
