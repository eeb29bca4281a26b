import NIOCore

/// Which connections of one event loop are in which group, and the flushes under way.
///
/// Each event loop has its own table, touched only on that loop, so subscribing and
/// delivering need no lock. A delivery queues each frame on every member of its group at
/// once (no system call), in publish order; then the connections it touched are flushed,
/// `flushesPerSlice` at a time, with a pause between slices in which the loop reads its
/// sockets. Flushing is where the time goes (one system call per connection, however many
/// frames it has queued), so a ping or a subscribe waits for one slice instead of a whole
/// fan-out to thousands, and a connection with several queued frames still gets them in
/// one write.
final class LoopSubscriptions {
    private var members: [String: GroupMembers] = [:]
    private var connections: [ObjectIdentifier: RohrpostConnectionHandler] = [:]
    private var toFlush = CircularBuffer<RohrpostConnectionHandler>()
    private var flushScheduled = false
    private let eventLoop: any EventLoop
    private let metrics: ServerMetrics
    private let flushesPerSlice: Int

    /// The pause between slices: long enough that the loop goes back to its sockets before
    /// the next slice is due, short enough to cost nothing next to a slice's writes.
    static let pauseBetweenSlices = TimeAmount.microseconds(20)

    /// Creates an empty table for `eventLoop` whose deliveries count into `metrics`.
    init(eventLoop: any EventLoop, metrics: ServerMetrics, liveStream: LiveStreamStart, flushesPerSlice: Int) {
        self.eventLoop = eventLoop
        self.metrics = metrics
        self.liveStream = liveStream
        self.flushesPerSlice = max(1, flushesPerSlice)
    }

    /// Notes a new connection on this loop, so shutdown can reach it.
    func register(_ connection: RohrpostConnectionHandler) {
        connections[ObjectIdentifier(connection)] = connection
    }

    /// Forgets a connection that has left every group.
    func unregister(_ connection: RohrpostConnectionHandler) {
        connections.removeValue(forKey: ObjectIdentifier(connection))
    }

    /// Every connection on this loop.
    var allConnections: Dictionary<ObjectIdentifier, RohrpostConnectionHandler>.Values { connections.values }

    /// Connections on this loop.
    var connectionCount: Int { connections.count }

    /// Adds `connection` to `group`; false if it was already there.
    func add(_ connection: RohrpostConnectionHandler, to group: String) -> Bool {
        let added = members[group, default: GroupMembers()].insert(connection)
        if added { subscriptionCount += 1 }
        return added
    }

    /// Removes `connection` from `group`, dropping the group when it empties.
    func remove(_ connection: RohrpostConnectionHandler, from group: String) {
        // In place: a copy of a large group's members per removal would make closing many
        // clients quadratic.
        guard members[group]?.remove(connection) == true else { return }
        subscriptionCount -= 1
        if members[group]?.isEmpty == true { members[group] = nil }
    }

    /// Groups with at least one member on this loop.
    var groupCount: Int { members.count }

    /// Memberships of connections in groups on this loop.
    private(set) var subscriptionCount = 0

    /// The position of the newest message delivered on this loop, nil before the first.
    private var delivered: Int64?
    /// Where the stream started (read when a connection joins, never per message).
    private let liveStream: LiveStreamStart

    /// A connection that joins a group now gets every message of it after this position
    /// (the stream comes in position order, and every later delivery reaches the new
    /// member): the newest delivered here, else where the stream started; nil if neither
    /// is known.
    var position: Int64? {
        guard let delivered else { return liveStream.startPosition }
        return max(delivered, liveStream.startPosition ?? delivered)
    }

    /// Queues each message on the members of its group, then starts flushing them.
    func deliver(_ messages: [GroupMessage]) {
        var frames = 0
        var bytes = 0
        if let last = messages.last?.position, last > delivered ?? .min { delivered = last }
        for message in messages {
            guard let recipients = members[message.group]?.list else { continue }
            frames += recipients.count
            bytes += recipients.count * message.frame.readableBytes
            for connection in recipients where connection.enqueue(message) {
                toFlush.append(connection)
            }
        }
        // Counted once per batch, not per write, to keep the delivery loop lean.
        if frames > 0 {
            metrics.framesSent.increment(by: frames)
            metrics.bytesSent.increment(by: bytes)
        }
        if !flushScheduled { flushSlice() }
    }

    /// Flushes up to `flushesPerSlice` connections, and comes back after a pause if more
    /// are waiting.
    private func flushSlice() {
        var budget = flushesPerSlice
        while budget > 0, let connection = toFlush.popFirst() {
            connection.flushEnqueued()
            budget -= 1
        }
        guard !toFlush.isEmpty else { return }
        flushScheduled = true
        eventLoop.assumeIsolated().scheduleTask(in: Self.pauseBetweenSlices) {
            self.flushScheduled = false
            self.flushSlice()
        }
    }
}

/// The members of one group on one loop: a list to write to in order, and where each
/// member is in it, so joining and leaving are O(1).
private struct GroupMembers {
    private(set) var list: [RohrpostConnectionHandler] = []
    private var indices: [ObjectIdentifier: Int] = [:]

    var isEmpty: Bool { list.isEmpty }

    /// Adds `connection`; false if it is a member already.
    mutating func insert(_ connection: RohrpostConnectionHandler) -> Bool {
        let id = ObjectIdentifier(connection)
        guard indices[id] == nil else { return false }
        indices[id] = list.count
        list.append(connection)
        return true
    }

    /// Removes `connection` (the last member takes its place); false if it was no member.
    mutating func remove(_ connection: RohrpostConnectionHandler) -> Bool {
        guard let index = indices.removeValue(forKey: ObjectIdentifier(connection)) else { return false }
        let last = list.removeLast()
        if index < list.count {
            list[index] = last
            indices[ObjectIdentifier(last)] = index
        }
        return true
    }
}
