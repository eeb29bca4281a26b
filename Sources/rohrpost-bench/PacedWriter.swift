import Foundation

/// Where paced rows go: PostgreSQL (through libpq) or the frame blaster.
protocol RowSink {
    /// Writes the rows numbered `first`, `first + step`, ... up to `last` inclusive.
    func write(first: Int64, last: Int64, step: Int64) throws
}

/// Writes rows at a target rate from `writers` threads, each with its own sink.
///
/// Row `seq` goes to group `seq % groups`. Writer w of W writes `base + k*W + w` for
/// k = 0, 1, ...; each pass writes every row already due in one statement (at most
/// `maximumBatch`), so a rate above what one round trip per row allows is still met.
struct PacedWriter: Sendable {
    struct Plan: Sendable, Codable {
        /// Rows per second over all writers; 0 writes as fast as the sink takes them, one row per statement.
        var rate: Double
        var rows: Int
        var writers: Int = 1
        var maximumBatch: Int = 1000
        /// The first row's number.
        var base: Int64 = 0
        /// Writing stops after this many seconds, whatever is left.
        var timeLimit: Double = 120
    }

    /// What the writers did.
    struct Report: Sendable, Codable {
        /// Rows written by each writer.
        var written: [Int]
        var seconds: Double
        var statements: Int

        var rows: Int { written.reduce(0, +) }

        /// Rows written to each of `groups` groups.
        func perGroup(_ groups: Int, base: Int64) -> [Int] {
            var counts = [Int](repeating: 0, count: groups)
            let writers = Int64(written.count)
            for (writer, count) in written.enumerated() {
                for k in 0..<Int64(count) {
                    counts[Int((base + k * writers + Int64(writer)) % Int64(groups))] += 1
                }
            }
            return counts
        }
    }

    let plan: Plan

    /// Runs the writers, each on a thread of its own with the sink `makeSink` gives it.
    func run(makeSink: @escaping @Sendable (Int) throws -> any RowSink) async throws -> Report {
        let plan = plan
        let start = monotonicSeconds()
        let results = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { tasks in
            for writer in 0..<plan.writers {
                tasks.addTask {
                    try await onThread { try Self.write(writer: writer, plan: plan, start: start, sink: makeSink(writer)) }
                }
            }
            var results: [(Int, Int, Int)] = []
            for try await result in tasks { results.append(result) }
            return results
        }
        var written = [Int](repeating: 0, count: plan.writers)
        var statements = 0
        for (writer, rows, count) in results {
            written[writer] = rows
            statements += count
        }
        return Report(written: written, seconds: monotonicSeconds() - start, statements: statements)
    }

    /// One writer's loop; returns (writer, rows written, statements).
    private static func write(writer: Int, plan: Plan, start: Double, sink: any RowSink) throws -> (Int, Int, Int) {
        let writers = max(1, plan.writers)
        let share = plan.rows / writers + (writer < plan.rows % writers ? 1 : 0)
        let rate = plan.rate / Double(writers)
        var done = 0
        var statements = 0
        while done < share {
            let elapsed = monotonicSeconds() - start
            if elapsed > plan.timeLimit { break }
            let due = rate > 0 ? min(share, Int(elapsed * rate) + 1) : done + 1
            guard due > done else {
                let wait = (Double(done) / rate - elapsed) * 1e6
                usleep(useconds_t(min(1000, max(20, wait))))
                continue
            }
            let upto = min(due, done + max(1, plan.maximumBatch))
            let first = plan.base + Int64(done * writers + writer)
            let last = plan.base + Int64((upto - 1) * writers + writer)
            try sink.write(first: first, last: last, step: Int64(writers))
            statements += 1
            done = upto
        }
        return (writer, done, statements)
    }
}

/// Runs blocking work on a thread of its own, never on the cooperative pool.
func onThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
