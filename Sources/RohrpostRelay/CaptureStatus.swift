import Foundation
import Synchronization

/// What this replica knows of logical capture, for `/metrics`, `/status` and `/readyz`:
/// the database's mode, whether this replica holds the slot, and how far behind the slot is.
final class CaptureStatus: Sendable {
    /// One reading.
    struct Reading: Sendable, Hashable {
        /// The database's capture mode; nil before the first look at the database.
        var mode: CaptureSwitch.Mode?
        /// Whether this replica streams the slot.
        var holding = false
        /// WAL the slot has not confirmed, in bytes.
        var lagBytes: Int64 = 0
        /// How long the slot has been behind without confirming more, in seconds.
        var lagSeconds: Double = 0
    }

    private let state = Mutex(Reading())
    /// The last time the slot's confirmed position moved (or it was caught up).
    private let lastProgress = Mutex<(lsn: String?, at: Date)>((nil, Date()))

    var reading: Reading { state.withLock { $0 } }

    /// Records the mode as last read from `rohrpost.capture` (the lag is sampled only in logical mode).
    func modeRead(_ mode: CaptureSwitch.Mode?) {
        state.withLock { $0.mode = mode }
    }

    func holdingChanged(_ holding: Bool) {
        state.withLock { $0.holding = holding }
    }

    /// Records a sample of the slot: its confirmed position and the WAL behind it.
    func sampled(confirmed: String?, lagBytes: Int64, now: Date = Date()) {
        let since = lastProgress.withLock { progress in
            if progress.lsn != confirmed || lagBytes <= 0 { progress = (confirmed, now) }
            return progress.at
        }
        state.withLock {
            $0.lagBytes = max(0, lagBytes)
            $0.lagSeconds = lagBytes > 0 ? now.timeIntervalSince(since) : 0
        }
    }
}
