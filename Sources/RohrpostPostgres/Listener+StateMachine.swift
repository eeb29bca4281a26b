/// The LISTEN connection's life as a value: what happened in, what to do out.
///
/// The thread in `Listener` carries out each `Action`; this type only decides, so its
/// tests read like the reconnect policy itself.
struct ListenerStateMachine {
    enum State: Equatable {
        case idle
        case connecting(failedAttempts: Int)
        case listening
        case waiting(failedAttempts: Int)
        case stopped
    }

    enum Action: Equatable {
        /// Open a connection, LISTEN, and catch up from the last position.
        case connect
        /// Wait for notifications on the open connection.
        case listen
        /// Wait this long, then report `backoffElapsed()`.
        case reconnect(after: Duration)
        /// Close everything and return.
        case stop
    }

    private(set) var state: State = .idle
    let backoff: ReconnectBackoff

    init(backoff: ReconnectBackoff) {
        self.backoff = backoff
    }

    mutating func start() -> Action {
        guard state == .idle else { return .stop }
        state = .connecting(failedAttempts: 0)
        return .connect
    }

    mutating func connected() -> Action {
        guard case .connecting = state else { return .stop }
        state = .listening
        return .listen
    }

    mutating func connectFailed() -> Action {
        guard case .connecting(let failed) = state else { return .stop }
        state = .waiting(failedAttempts: failed + 1)
        return .reconnect(after: backoff.delay(attempt: failed))
    }

    mutating func connectionLost() -> Action {
        guard state == .listening else { return .stop }
        // The first retry waits delay(attempt: 0); a failure after it waits delay(attempt: 1).
        state = .waiting(failedAttempts: 1)
        return .reconnect(after: backoff.delay(attempt: 0))
    }

    mutating func backoffElapsed() -> Action {
        guard case .waiting(let failed) = state else { return .stop }
        state = .connecting(failedAttempts: failed)
        return .connect
    }

    mutating func stopRequested() -> Action {
        state = .stopped
        return .stop
    }
}

extension ListenerStateMachine.Action {
    /// The wait of a `.reconnect`, in whole milliseconds, for logs; 0 for other actions.
    var delayMilliseconds: Int64 {
        guard case .reconnect(let delay) = self else { return 0 }
        return delay.wholeMilliseconds
    }
}
