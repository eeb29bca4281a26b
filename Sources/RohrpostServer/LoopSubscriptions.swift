import NIOCore

/// Which connections of one event loop are in which group.
///
/// Each event loop has its own table, touched only on that loop, so subscribing and
/// delivering need no lock; fan-out writes each frame to the group's members and flushes
/// each connection once per delivered batch.
final class LoopSubscriptions {
    private var members: [String: [ObjectIdentifier: RohrpostConnectionHandler]] = [:]
    private var connections: [ObjectIdentifier: RohrpostConnectionHandler] = [:]
    private var toFlush: [RohrpostConnectionHandler] = []
    private let metrics: ServerMetrics

    /// Creates an empty table whose deliveries count into `metrics`.
    init(metrics: ServerMetrics) {
        self.metrics = metrics
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
        let added = members[group, default: [:]].updateValue(connection, forKey: ObjectIdentifier(connection)) == nil
        if added { subscriptionCount += 1 }
        return added
    }

    /// Removes `connection` from `group`, dropping the group when it empties.
    func remove(_ connection: RohrpostConnectionHandler, from group: String) {
        // In place: a copy of a large group's members per removal would make closing many
        // clients quadratic.
        guard members[group]?.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
        subscriptionCount -= 1
        if members[group]?.isEmpty == true { members[group] = nil }
    }

    /// Groups with at least one member on this loop.
    var groupCount: Int { members.count }

    /// Memberships of connections in groups on this loop.
    private(set) var subscriptionCount = 0

    /// Writes each message to the members of its group, then flushes each touched connection once.
    func deliver(_ messages: [GroupMessage]) {
        var frames = 0
        var bytes = 0
        for message in messages {
            guard let connections = members[message.group] else { continue }
            frames += connections.count
            bytes += connections.count * message.frame.readableBytes
            for connection in connections.values where connection.enqueue(message) {
                toFlush.append(connection)
            }
        }
        for connection in toFlush {
            connection.flushEnqueued()
        }
        toFlush.removeAll(keepingCapacity: true)
        // Counted once per batch, not per write, to keep the delivery loop lean.
        if frames > 0 {
            metrics.framesSent.increment(by: frames)
            metrics.bytesSent.increment(by: bytes)
        }
    }
}
