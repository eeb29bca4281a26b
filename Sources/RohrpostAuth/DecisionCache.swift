import Synchronization

/// Remembers recent yes/no answers for a short while, so a client re-sending its
/// subscribes does not query the database for each.
final class DecisionCache<Key: Hashable & Sendable>: Sendable {
    private let lifetime: Duration
    private let capacity: Int
    private let entries = Mutex<[Key: (allowed: Bool, until: ContinuousClock.Instant)]>([:])

    /// A cache whose answers last `lifetime` and that holds at most `capacity` of them.
    init(lifetime: Duration, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The answer stored for `key`, if it has not expired.
    func decision(for key: Key, now: ContinuousClock.Instant = .now) -> Bool? {
        guard lifetime > .zero else { return nil }
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.until else {
                entries[key] = nil
                return nil
            }
            return entry.allowed
        }
    }

    /// Stores `allowed` for `key`; when full, expired answers go first, then all.
    func store(_ allowed: Bool, for key: Key, now: ContinuousClock.Instant = .now) {
        guard lifetime > .zero else { return }
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now < $0.value.until }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = (allowed, now + lifetime)
        }
    }
}
