import RohrpostProtocol

/// A group whose backlog is being read for a subscribe with `since`: the live messages
/// that arrive meanwhile wait here, so the client gets backlog then live, with no gap and
/// no duplicate.
struct ResumingGroup {
    /// The subscribe request to answer once the backlog is in.
    let request: Request
    /// The position the client saw last.
    let since: Int64
    /// The loop's position when the connection joined the group (nil before any delivery):
    /// every live message after it reaches the group, held here until the backlog is in.
    let joinedAt: Int64?
    /// Live messages for the group held until the backlog is sent.
    private(set) var held: [GroupMessage] = []
    /// Bytes of the held messages, to bound them like any other pending output.
    private(set) var heldBytes = 0

    init(request: Request, since: Int64, joinedAt: Int64?) {
        self.request = request
        self.since = since
        self.joinedAt = joinedAt
    }

    /// The position after which the subscription delivers every event of the group, for
    /// the reply: `since` when the backlog is complete, else where the group was joined.
    func position(after backlog: Backlog) -> Int64? {
        if case .complete = backlog { return since }
        return joinedAt
    }

    /// Holds a live message.
    mutating func hold(_ message: GroupMessage) {
        held.append(message)
        heldBytes += message.frame.readableBytes
    }

    /// What to send, in order, once the backlog is known: its messages, then the held
    /// live ones it does not already contain. Without a backlog, every held message: each
    /// came after the join, whatever `since` said (it may be from another journal).
    func messagesToSend(after backlog: Backlog) -> [GroupMessage] {
        switch backlog {
        case .complete(let missed):
            let last = max(since, missed.last?.position ?? since)
            return missed + held.filter { $0.position > last }
        case .incomplete, .stopping:
            return held
        }
    }
}
