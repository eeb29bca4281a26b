import Histogram

/// The counters and histograms of all clients on one event loop. Touched only on that loop,
/// so recording needs no lock; `tally` copies them out at the end of a step.
final class LoopStats {
    var clients: [ClientStats] = []
    var latency = LoopStats.makeHistogram()
    var pong = LoopStats.makeHistogram()
    var lastReceiveMicros: Int64 = 0

    /// Microsecond histograms up to ten minutes, three significant digits.
    static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Records an event's write-to-receive latency.
    @inline(__always)
    func recordEvent(writtenAtMicros: Int64, now: Int64) {
        latency.record(UInt64(max(1, now - writtenAtMicros)))
        lastReceiveMicros = max(lastReceiveMicros, now)
    }

    /// This loop's share of a step: `expected[g]` events were written to group g.
    func tally(expected: [Int]) -> StepTally {
        var tally = StepTally()
        tally.latency = latency
        tally.pong = pong
        tally.lastReceiveMicros = lastReceiveMicros
        for client in clients {
            if client.isStalled {
                tally.stalled += 1
                if client.isClosed { tally.stalledClosed += 1 }
                if client.closeCode == 1008 { tally.stalledClosed1008 += 1 }
                continue
            }
            let wanted = client.group < expected.count ? expected[client.group] : 0
            let missing = max(0, wanted - (client.received - client.duplicates - client.outOfOrder))
            tally.clients += 1
            tally.expected += wanted
            tally.received += client.received
            tally.missing += missing
            tally.duplicates += client.duplicates
            tally.outOfOrder += client.outOfOrder
            tally.unexpected += client.unexpected
            if missing > 0 { tally.clientsWithLoss += 1 }
            let distinct = client.received - client.duplicates - client.outOfOrder
            tally.leastPerGroup[client.group] = min(tally.leastPerGroup[client.group] ?? distinct, distinct)
            if client.isClosed { tally.closed += 1 }
        }
        return tally
    }

    /// Clears the counters for the next step.
    func reset() {
        latency.reset()
        pong.reset()
        lastReceiveMicros = 0
        for client in clients { client.reset() }
    }
}

/// One step's counts over all clients, summed from every loop.
struct StepTally: Sendable, Codable {
    var clients = 0
    var expected = 0
    var received = 0
    var missing = 0
    var duplicates = 0
    var outOfOrder = 0
    var unexpected = 0
    var clientsWithLoss = 0
    var closed = 0
    var stalled = 0
    var stalledClosed = 0
    /// Stalled clients the server closed with 1008 (too slow).
    var stalledClosed1008 = 0
    var latency = LoopStats.makeHistogram()
    var pong = LoopStats.makeHistogram()
    var lastReceiveMicros: Int64 = 0
    /// For each group with a (reading) client: the fewest distinct events any of its clients
    /// received, so their sum is what every subscribed client got (compared with the journal).
    var leastPerGroup: [Int: Int] = [:]

    /// Events that every reading client of their group received.
    var receivedByEveryClient: Int { leastPerGroup.values.reduce(0, +) }

    /// Adds another loop's share.
    mutating func merge(_ other: StepTally) {
        clients += other.clients
        expected += other.expected
        received += other.received
        missing += other.missing
        duplicates += other.duplicates
        outOfOrder += other.outOfOrder
        unexpected += other.unexpected
        clientsWithLoss += other.clientsWithLoss
        closed += other.closed
        stalled += other.stalled
        stalledClosed += other.stalledClosed
        stalledClosed1008 += other.stalledClosed1008
        latency.add(other.latency)
        pong.add(other.pong)
        lastReceiveMicros = max(lastReceiveMicros, other.lastReceiveMicros)
        leastPerGroup.merge(other.leastPerGroup, uniquingKeysWith: min)
    }
}
