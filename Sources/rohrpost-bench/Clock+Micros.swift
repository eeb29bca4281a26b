import Foundation

/// Wall-clock microseconds since the epoch (`CLOCK_REALTIME`), the clock PostgreSQL's
/// `clock_timestamp()` reads, so a stamp written by the database and a receive time taken
/// here are comparable on one machine.
func wallClockMicros() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
}

/// Monotonic seconds, for pacing and deadlines.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
