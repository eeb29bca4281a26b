import RohrpostProtocol

/// One connection's subscriptions as a value: requests, the access policy's decisions,
/// backlogs and live messages go in; what the connection must do comes out as actions.
///
/// It holds what docs/PROTOCOL.md promises a subscriber: a subscribe is answered once the
/// access policy allowed it; one with `since` gets the group's backlog, then the live
/// messages held while the backlog was read, with no gap and no duplicate; a subscribe
/// with a new token re-checks every other group with it; the limit counts subscribes still
/// waiting for their decision. `RohrpostConnectionHandler` carries the actions out.
struct SubscriptionStateMachine {
    /// What the connection does next.
    enum Action {
        /// Write this reply.
        case reply(Reply)
        /// Ask the access policy (once the live stream has started), then pass its answer
        /// to ``decided(_:group:since:request:livePosition:)``.
        case authorize(Group, since: Int64?, request: Request)
        /// Add the connection to the group on its event loop.
        case join(String)
        /// Remove the connection from the group.
        case leave(String)
        /// Read the group's journal after `since`, then pass it to ``backlogRead(_:for:)``.
        case readBacklog(Group, since: Int64, through: Int64?)
        /// Write these messages (a backlog, then the live ones held meanwhile), in order.
        case write([GroupMessage])
        /// Close the connection with 4401 at this instant, replacing an earlier deadline.
        case closeWhenTokenExpires(ContinuousClock.Instant)
        /// Ask the access policy about each group with the new token; on a denial, close
        /// with 4403 if ``isCurrentToken(_:)`` still says so.
        case recheck([String], token: String?)
        /// Close the connection with this code.
        case close(WebSocketCloseCode)
    }

    /// What to do with a live message of one of the connection's groups.
    enum LiveAction: Equatable {
        /// Write it.
        case send
        /// Its resume's backlog already sent it: drop it.
        case drop
        /// Its group is resuming: it waits for the backlog (`tooMuchHeld`: close with 1008).
        case held(tooMuchHeld: Bool)
    }

    /// The most groups (joined plus waiting for a decision) one connection may have.
    let maximumSubscriptions: Int
    /// Held bytes past which a resuming connection is too slow (as unwritten output is).
    let maximumHeldBytes: Int
    /// Whether the relay has a journal to resume from.
    let canResume: Bool

    /// The groups the connection is in.
    private(set) var groups: Set<String> = []
    /// Groups whose backlog is being read, holding their live messages meanwhile.
    private var resuming: [String: ResumingGroup] = [:]
    /// Per resumed group, the last position its backlog sent: the live stream may still
    /// bring those events (the listener can be behind the database); they are dropped.
    private var resumedThrough: [String: Int64] = [:]
    /// Subscribes waiting for the access policy or the start of the live stream.
    private(set) var subscribesInFlight = 0
    /// The token of the latest allowed subscribe.
    private var token: String?

    init(maximumSubscriptions: Int, maximumHeldBytes: Int, canResume: Bool) {
        self.maximumSubscriptions = maximumSubscriptions
        self.maximumHeldBytes = maximumHeldBytes
        self.canResume = canResume
    }

    /// A subscribe request arrived.
    mutating func subscribeRequested(_ group: Group, since: Int64?, request: Request) -> [Action] {
        let limit = maximumSubscriptions
        let hasRoom =
            subscribesInFlight < limit && (groups.contains(group.name) || groups.count + subscribesInFlight < limit)
        guard hasRoom else {
            return [.reply(.error("Too many subscriptions on this connection (at most \(limit)).", to: request))]
        }
        subscribesInFlight += 1
        return [.authorize(group, since: since, request: request)]
    }

    /// The access policy decided on a subscribe, but the connection is closing.
    mutating func decidedAfterClose() {
        subscribesInFlight -= 1
    }

    /// The access policy decided on a subscribe; `livePosition` is the newest position
    /// delivered on the connection's event loop (nil before the first).
    mutating func decided(
        _ decision: AccessDecision, group: Group, since: Int64?, request: Request, livePosition: Int64?
    ) -> [Action] {
        subscribesInFlight -= 1
        guard case .allowed(let expiry) = decision else { return [.reply(.accessDenied(to: request))] }
        var actions: [Action] = []
        if let expiry { actions.append(.closeWhenTokenExpires(expiry)) }
        if request.authJWT != token {
            token = request.authJWT
            let others = groups.filter { $0 != group.name }.sorted()
            if !others.isEmpty { actions.append(.recheck(others, token: token)) }
        }
        if groups.insert(group.name).inserted { actions.append(.join(group.name)) }
        switch since {
        case let since? where canResume && resuming[group.name] == nil:
            resuming[group.name] = ResumingGroup(request: request, since: since, joinedAt: livePosition)
            actions.append(.readBacklog(group, since: since, through: livePosition))
        case .some where canResume:
            // A resume already under way for this group sends the backlog and says where.
            actions.append(.reply(.confirming(group, recovered: true, to: request)))
        case .some:
            // Without a journal nothing can be recovered: subscribed from now.
            actions.append(.reply(.confirming(group, recovered: false, position: livePosition, to: request)))
        case .none:
            let position = resuming[group.name] == nil ? livePosition : nil
            actions.append(.reply(.confirming(group, position: position, to: request)))
        }
        return actions
    }

    /// The backlog of a resuming group was read; `isOpen` is false once the connection is
    /// closing (the resume then ends without a word).
    mutating func backlogRead(_ backlog: Backlog, for group: Group, isOpen: Bool = true) -> [Action] {
        guard let state = resuming.removeValue(forKey: group.name), isOpen else { return [] }
        if case .stopping = backlog { return [.close(.goingAway)] }
        let recovered = if case .complete = backlog { true } else { false }
        let messages = state.messagesToSend(after: backlog)
        if recovered {
            // Whatever the client saw or was just sent may still come by the live stream.
            resumedThrough[group.name] = max(state.since, messages.last?.position ?? state.since)
        }
        let reply = Reply.confirming(group, recovered: recovered, position: state.position(after: backlog), to: state.request)
        return [.reply(reply), .write(messages)]
    }

    /// An unsubscribe request arrived.
    mutating func unsubscribeRequested(_ group: Group, request: Request) -> [Action] {
        var actions: [Action] = []
        if groups.remove(group.name) != nil { actions.append(.leave(group.name)) }
        resuming[group.name] = nil
        resumedThrough[group.name] = nil
        actions.append(.reply(.confirming(group, to: request)))
        return actions
    }

    /// A live message of one of the connection's groups.
    mutating func live(_ message: GroupMessage) -> LiveAction {
        if !resuming.isEmpty, let index = resuming.index(forKey: message.group) {
            resuming.values[index].hold(message)
            return .held(tooMuchHeld: resuming.values[index].heldBytes > maximumHeldBytes)
        }
        if !resumedThrough.isEmpty, let sent = resumedThrough[message.group] {
            guard message.position > sent else { return .drop }
            resumedThrough[message.group] = nil  // the live stream has passed the backlog
        }
        return .send
    }

    /// Whether a denial from a re-check with `token` still counts: a newer token decides.
    func isCurrentToken(_ token: String?) -> Bool {
        self.token == token
    }

    /// The connection is closing: every group to leave, and nothing held any more.
    mutating func leaveAll() -> Set<String> {
        defer {
            groups.removeAll()
            resuming.removeAll()
            resumedThrough.removeAll()
        }
        return groups
    }
}
