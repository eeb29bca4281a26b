import NIOCore

/// Which connections of one event loop are in which group, and the deliveries under way.
///
/// Each event loop has its own table, touched only on that loop, so subscribing and
/// delivering need no lock. Fan-out writes each frame to the group's members and flushes
/// each connection once per delivered slice. A delivery larger than `writesPerSlice`
/// (one event to thousands of members) is cut into slices with a pause between them in
/// which the loop reads its sockets: a ping, or a subscribe, waits for one slice rather
/// than for the whole fan-out. Deliveries run strictly in the order they were published.
final class LoopSubscriptions {
    private var members: [String: GroupMembers] = [:]
    private var connections: [ObjectIdentifier: RohrpostConnectionHandler] = [:]
    private var toFlush: [RohrpostConnectionHandler] = []
    private var pending = CircularBuffer<PendingDelivery>()
    private var resumeScheduled = false
    private let eventLoop: any EventLoop
    private let metrics: ServerMetrics
    private let writesPerSlice: Int

    /// The pause between slices: long enough that the loop goes back to its sockets before
    /// the next slice is due, short enough to cost nothing next to a slice's writes.
    static let pauseBetweenSlices = TimeAmount.microseconds(20)

    /// Creates an empty table for `eventLoop` whose deliveries count into `metrics`.
    init(eventLoop: any EventLoop, metrics: ServerMetrics, writesPerSlice: Int) {
        self.eventLoop = eventLoop
        self.metrics = metrics
        self.writesPerSlice = max(1, writesPerSlice)
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
        if added {
            subscriptionCount += 1
            membershipChanges &+= 1
        }
        return added
    }

    /// Removes `connection` from `group`, dropping the group when it empties.
    func remove(_ connection: RohrpostConnectionHandler, from group: String) {
        // In place: a copy of a large group's members per removal would make closing many
        // clients quadratic.
        guard members[group]?.remove(connection) == true else { return }
        subscriptionCount -= 1
        membershipChanges &+= 1
        if members[group]?.isEmpty == true { members[group] = nil }
    }

    /// Groups with at least one member on this loop.
    var groupCount: Int { members.count }

    /// Memberships of connections in groups on this loop.
    private(set) var subscriptionCount = 0

    /// Counts joins and leaves, so a delivery paused between slices can tell that its
    /// list of recipients may be stale.
    private var membershipChanges = 0

    /// Writes each message to the members of its group, after every delivery before it.
    func deliver(_ messages: [GroupMessage]) {
        guard !messages.isEmpty else { return }
        pending.append(PendingDelivery(messages: messages))
        if !resumeScheduled { writeSlice() }
    }

    /// Writes up to `writesPerSlice` frames of the pending deliveries, flushes what it
    /// wrote, and comes back after a pause if more remains.
    private func writeSlice() {
        var budget = writesPerSlice
        var frames = 0
        var bytes = 0
        while budget > 0, var delivery = pending.popFirst() {
            while budget > 0, let message = delivery.currentMessage {
                let group = members[message.group]
                if delivery.recipients == nil {
                    // Taken when the message's turn comes; later joiners wait for the next one.
                    delivery.recipients = group?.list ?? []
                    delivery.membershipChanges = membershipChanges
                }
                let recipients = delivery.recipients!
                let end = min(recipients.count, delivery.nextRecipient + budget)
                // Someone left the group during a pause: skip those who are gone.
                let stale = membershipChanges != delivery.membershipChanges
                for connection in recipients[delivery.nextRecipient..<end]
                where (!stale || group?.contains(connection) == true) && connection.enqueue(message) {
                    toFlush.append(connection)
                }
                let written = end - delivery.nextRecipient
                budget -= written
                frames += written
                bytes += written * message.frame.readableBytes
                delivery.nextRecipient = end
                if end == recipients.count { delivery.advance() }
            }
            if delivery.currentMessage != nil {
                pending.prepend(delivery)
            }
        }
        for connection in toFlush {
            connection.flushEnqueued()
        }
        toFlush.removeAll(keepingCapacity: true)
        // Counted once per slice, not per write, to keep the delivery loop lean.
        if frames > 0 {
            metrics.framesSent.increment(by: frames)
            metrics.bytesSent.increment(by: bytes)
        }
        if !pending.isEmpty {
            resumeScheduled = true
            eventLoop.assumeIsolated().scheduleTask(in: Self.pauseBetweenSlices) {
                self.resumeScheduled = false
                self.writeSlice()
            }
        }
    }
}

/// A published batch of messages on its way to this loop's members.
private struct PendingDelivery {
    let messages: [GroupMessage]
    /// The message being written.
    var messageIndex = 0
    /// The members of its group when its turn came.
    var recipients: [RohrpostConnectionHandler]?
    /// The loop's `membershipChanges` then.
    var membershipChanges = 0
    /// The next of them to write to.
    var nextRecipient = 0

    var currentMessage: GroupMessage? {
        messageIndex < messages.count ? messages[messageIndex] : nil
    }

    mutating func advance() {
        messageIndex += 1
        recipients = nil
        nextRecipient = 0
    }
}

/// The members of one group on one loop: a list to write to in order, and where each
/// member is in it, so joining and leaving are O(1).
private struct GroupMembers {
    private(set) var list: [RohrpostConnectionHandler] = []
    private var indices: [ObjectIdentifier: Int] = [:]
    var isEmpty: Bool { list.isEmpty }

    func contains(_ connection: RohrpostConnectionHandler) -> Bool {
        indices[ObjectIdentifier(connection)] != nil
    }

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
