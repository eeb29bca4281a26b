import Foundation
import Histogram

/// The figures of one step of one run: what the human table and the JSON line show.
struct StepResult: Codable, Sendable {
    var scenario: String
    var target: String
    var step: Int
    var clients: Int
    var groups: Int
    var targetRate: Double
    var rowsWritten: Int
    var writeSeconds: Double
    var achievedRate: Double
    var framesExpected: Int
    var framesReceived: Int
    var missing: Int
    var duplicates: Int
    var outOfOrder: Int
    var unexpected: Int
    var clientsWithLoss: Int
    var closed: Int
    var stalled: Int
    var stalledClosed: Int
    /// Stalled clients closed with 1008 (too slow).
    var stalledClosed1008: Int
    /// The relay's unwritten bytes for each client it closed for not reading, from its log.
    var stalledPendingBytes: [Int]?
    /// Frames received per second, first write to last receipt.
    var framesPerSecond: Double
    /// Seconds from the end of writing (the commit of the last statement) to the last receipt.
    var drainSeconds: Double
    var latencyCount: UInt64
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var p999Ms: Double
    var maxMs: Double
    var pongCount: UInt64
    var pongP99Ms: Double
    var pongMaxMs: Double
    var relayRSSKiB: Int?
    var rssPerConnectionKiB: Double?
    var notifyQueueMax: Double?
    /// The journal check of a relay step (issue 21); nil for the blaster and idle steps.
    var delivery: DeliveryCheck?

    init(scenario: Scenario, target: Scenario.Target, step: Int, rate: Double, report: PacedWriter.Report?,
         tally: StepTally, writeStartMicros: Int64, writeEndMicros: Int64) {
        self.scenario = scenario.name
        self.target = target.rawValue
        self.step = step
        clients = tally.clients
        groups = scenario.groups
        targetRate = rate
        rowsWritten = report?.rows ?? 0
        writeSeconds = report?.seconds ?? 0
        achievedRate = writeSeconds > 0 ? Double(rowsWritten) / writeSeconds : 0
        framesExpected = tally.expected
        framesReceived = tally.received
        missing = tally.missing
        duplicates = tally.duplicates
        outOfOrder = tally.outOfOrder
        unexpected = tally.unexpected
        clientsWithLoss = tally.clientsWithLoss
        closed = tally.closed
        stalled = tally.stalled
        stalledClosed = tally.stalledClosed
        stalledClosed1008 = tally.stalledClosed1008
        let span = Double(tally.lastReceiveMicros - writeStartMicros) / 1e6
        framesPerSecond = span > 0 ? Double(tally.received) / span : 0
        drainSeconds = tally.lastReceiveMicros > 0 ? Double(tally.lastReceiveMicros - writeEndMicros) / 1e6 : 0
        let latency = tally.latency
        latencyCount = latency.totalCount
        p50Ms = Self.ms(latency.valueAtPercentile(50))
        p90Ms = Self.ms(latency.valueAtPercentile(90))
        p99Ms = Self.ms(latency.valueAtPercentile(99))
        p999Ms = Self.ms(latency.valueAtPercentile(99.9))
        maxMs = Self.ms(latency.max)
        pongCount = tally.pong.totalCount
        pongP99Ms = Self.ms(tally.pong.valueAtPercentile(99))
        pongMaxMs = Self.ms(tally.pong.max)
    }

    private static func ms(_ micros: UInt64) -> Double { (Double(micros) / 10).rounded() / 100 }

    /// The JSON line.
    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static let tableHeader =
        "scenario     target  step clients groups  rate/s achieved  frames-exp  received missing dup order closed   frames/s  p50ms  p90ms  p99ms p99.9ms  maxms  drain-s  extra"

    /// One row of the human table.
    var tableRow: String {
        var extra: [String] = []
        if pongCount > 0 { extra.append("pong p99 \(pongP99Ms) ms max \(pongMaxMs) ms") }
        if stalled > 0 { extra.append("stalled closed \(stalledClosed)/\(stalled) (1008: \(stalledClosed1008))") }
        if let stalledPendingBytes, let low = stalledPendingBytes.min(), let high = stalledPendingBytes.max() {
            extra.append("closed at \(low)-\(high) pending bytes")
        }
        if let relayRSSKiB { extra.append("relay RSS \(relayRSSKiB) KiB") }
        if let rssPerConnectionKiB { extra.append(String(format: "%.2f KiB/conn", rssPerConnectionKiB)) }
        if let notifyQueueMax { extra.append("notify queue max \(notifyQueueMax)") }
        return [
            pad(scenario, 12), pad(target, 7), pad("\(step)", 4, right: true), pad("\(clients)", 7, right: true),
            pad("\(groups)", 6, right: true), pad(String(format: "%.0f", targetRate), 7, right: true),
            pad(String(format: "%.0f", achievedRate), 8, right: true), pad("\(framesExpected)", 11, right: true),
            pad("\(framesReceived)", 9, right: true), pad("\(missing)", 7, right: true), pad("\(duplicates)", 3, right: true),
            pad("\(outOfOrder)", 5, right: true), pad("\(closed)", 6, right: true),
            pad(String(format: "%.0f", framesPerSecond), 10, right: true), pad("\(p50Ms)", 6, right: true),
            pad("\(p90Ms)", 6, right: true), pad("\(p99Ms)", 6, right: true), pad("\(p999Ms)", 7, right: true),
            pad("\(maxMs)", 6, right: true), pad(String(format: "%.2f", drainSeconds), 8, right: true),
            extra.joined(separator: ", "),
        ].joined(separator: " ")
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
