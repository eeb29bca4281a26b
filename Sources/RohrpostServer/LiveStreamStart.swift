import Synchronization

/// Whether the live stream of messages has fixed where it starts.
///
/// A relay's LISTEN connection decides its first position when it first connects. A
/// subscribe confirmed before then could miss the events committed between its reply and
/// that moment, so subscribes wait here until the stream has started.
final class LiveStreamStart: Sendable {
    private enum State {
        case waiting([@Sendable () -> Void])
        case started
    }

    private let state: Mutex<State>

    /// A stream that has started already, or one that waits for `markStarted()`.
    init(started: Bool) {
        state = Mutex(started ? .started : .waiting([]))
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

    /// Records that the stream has started and runs everything that waited for it; later
    /// calls do nothing.
    func markStarted() {
        let waiting = state.withLock { state -> [@Sendable () -> Void] in
            guard case .waiting(let waiting) = state else { return [] }
            state = .started
            return waiting
        }
        for body in waiting { body() }
    }
}
