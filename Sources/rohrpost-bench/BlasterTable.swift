import NIOCore

/// The frame blaster's subscribers on one event loop, and the fan-out writing to them:
/// each frame to each member of its group, one flush per connection per batch.
final class BlasterTable {
    private var members: [Int: [BlasterConnection]] = [:]
    private var toFlush: [BlasterConnection] = []

    func add(_ connection: BlasterConnection, to group: Int) {
        members[group, default: []].append(connection)
    }

    func remove(_ connection: BlasterConnection, from group: Int) {
        members[group]?.removeAll { $0 === connection }
    }

    /// Writes `frames` (group, bytes) to their groups' members, then flushes.
    func deliver(_ frames: [(group: Int, frame: ByteBuffer)]) {
        for (group, frame) in frames {
            guard let connections = members[group] else { continue }
            for connection in connections where connection.enqueue(frame) {
                toFlush.append(connection)
            }
        }
        for connection in toFlush { connection.flush() }
        toFlush.removeAll(keepingCapacity: true)
    }
}
