/// What one client received in the current step. Touched only on its event loop.
final class ClientStats {
    /// The group (`bench-<group>`) this client is subscribed to.
    let group: Int
    /// A stalled client stops reading after subscribing and is tallied apart.
    let isStalled: Bool
    var received = 0
    var duplicates = 0
    var outOfOrder = 0
    var unexpected = 0
    var lastEventID: Int64 = -1
    /// The close code the server sent, if it closed; 0 when it closed with no code.
    var closeCode: Int?
    var isClosed = false

    init(group: Int, isStalled: Bool) {
        self.group = group
        self.isStalled = isStalled
    }

    /// Counts one event: a repeat of the last id is a duplicate, a smaller one out of order.
    @inline(__always)
    func count(eventID: Int64) {
        received += 1
        if eventID == lastEventID {
            duplicates += 1
        } else if eventID < lastEventID {
            outOfOrder += 1
        } else {
            lastEventID = eventID
        }
    }

    /// Starts a new step; the last event id is kept, as order runs across steps.
    func reset() {
        received = 0
        duplicates = 0
        outOfOrder = 0
        unexpected = 0
    }
}
