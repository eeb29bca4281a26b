import Synchronization

/// Whether the live stream of messages has fixed where it starts.
///
/// A relay's LISTEN connection decides its first position when it first connects. A
/// subscribe confirmed before then could miss the events committed between its reply and
/// that moment, so subscribes wait here until the stream has started.
final class LiveStreamStart: Sendable {
    private enum State {
        case waiting([@Sendable () -> Void])
        /// Started; every message after the position (when the publisher named one) is published.
        case started(after: Int64?)
    }

    private let state: Mutex<State>

    /// A stream that has started already, or one that waits for `markStarted()`.
    init(started: Bool) {
        state = Mutex(started ? .started(after: nil) : .waiting([]))
    }

    /// Where the stream started, once it has and the publisher named it: a subscription
    /// made before the first message gets every message after this position.
    var startPosition: Int64? {
        state.withLock { state in
            if case .started(let position) = state { position } else { nil }
        }
    }

    /// Runs `body` now if the stream has started, else once it does (on the thread that
    /// marks it started).
    func whenStarted(_ body: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state in
            guard case .waiting(var waiting) = state else { return true }
            waiting.append(body)
            state = .waiting(waiting)
            return false
        }
        if runNow { body() }
    }

    /// Records that the stream has started (after `position`, when known) and runs
    /// everything that waited for it; later calls do nothing.
    func markStarted(after position: Int64? = nil) {
        let waiting = state.withLock { state -> [@Sendable () -> Void] in
            guard case .waiting(let waiting) = state else { return [] }
            state = .started(after: position)
            return waiting
        }
        for body in waiting { body() }
    }
}
