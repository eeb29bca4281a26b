import Foundation

/// Runs one scenario against each of its targets and hands each step's figures to `emit`.
struct ScenarioRunner: Sendable {
    /// Where the programs and the database are.
    struct Setup: Sendable {
        var relayBinary: String
        var benchBinary: String
        var databaseURL: String?
        /// A running relay's port to attach to instead of starting one.
        var attachPort: Int?
        var maxPendingBytes: Int?
        var clientThreads: Int
        /// Clients per process: more are split over child processes of `benchBinary`.
        var clientsPerProcess = Int.max
    }

    let scenario: Scenario
    let setup: Setup
    let emit: @Sendable (StepResult) -> Void

    func run() async throws {
        for target in scenario.targets {
            if !scenario.idleCounts.isEmpty {
                try await runIdle()
                continue
            }
            let feed = try await start(target)
            do {
                if scenario.burstRows > 0 {
                    try await runBurst(feed: feed, target: target)
                } else {
                    try await runSteps(feed: feed, target: target)
                }
                feed.stop()
            } catch {
                feed.stop()
                throw error
            }
        }
    }

    private func start(_ target: Scenario.Target) async throws -> Feed {
        let setup = setup
        switch target {
        case .relay:
            if let port = setup.attachPort {
                guard let url = setup.databaseURL else { throw BenchError("--relay needs --database-url (the relay's database)") }
                return .relay(try await onThread { try RelayTarget.attach(port: port, databaseURL: url) })
            }
            return .relay(try await onThread {
                try RelayTarget.start(relayBinary: setup.relayBinary, databaseURL: setup.databaseURL, maxPendingBytes: setup.maxPendingBytes)
            })
        case .blaster:
            return .blaster(try await onThread { try BlasterProcess.start(binary: setup.benchBinary) })
        }
    }

    /// Connects `count` clients to `port`, over several processes if one cannot hold them.
    private func connectClients(port: Int, count: Int) async throws -> any Clients {
        try await ShardedClients.connect(
            fleetPlan(port: port, clients: count), threads: setup.clientThreads,
            clientsPerProcess: setup.clientsPerProcess, benchBinary: setup.benchBinary)
    }

    private func fleetPlan(port: Int, clients: Int) -> ClientFleet.Plan {
        var plan = ClientFleet.Plan(port: port, clients: clients, groups: scenario.groups)
        plan.sources = scenario.sources
        plan.stalled = scenario.stalled
        plan.stalledReceiveBuffer = scenario.stalledReceiveBuffer
        plan.pingers = scenario.pingers
        return plan
    }

    /// Writes at each rate in turn over one set of clients.
    private func runSteps(feed: Feed, target: Scenario.Target) async throws {
        let fleet = try await connectClients(port: feed.port, count: scenario.clients)
        var base: Int64 = 0
        do {
            for (step, rate) in scenario.rates.enumerated() {
                if step == 1 && scenario.stalled > 0 { try await fleet.setStalledReading(false) }
                try await fleet.reset()
                let rows = rate > 0 ? max(1, Int(rate * scenario.stepSeconds)) : scenario.rows
                let plan = PacedWriter.Plan(
                    rate: rate, rows: rows, writers: scenario.writers, maximumBatch: scenario.maximumBatch, base: base,
                    timeLimit: scenario.stepSeconds * 3 + 5)
                let sampler: NotifyQueueSampler? =
                    if scenario.sampleNotifyQueue, case .relay(let relay) = feed { NotifyQueueSampler(databaseURL: relay.databaseURL) } else { nil }
                let mark = try await journalMark(feed)
                print("# \(target.rawValue) step \(step): writing \(rows) rows at \(rate) rows/s to \(scenario.clients) clients")
                fflush(nil)
                let writeStart = wallClockMicros()
                let report = try await feed.write(plan, groups: scenario.groups, payloadBytes: scenario.payloadBytes)
                let writeEnd = wallClockMicros()
                base += Int64(report.rows) + Int64(scenario.writers)
                let expected = report.perGroup(scenario.groups, base: plan.base)
                if scenario.stalled > 0 && step > 0 {
                    // Give the server time to notice the stalled clients, then let them read what is left.
                    try await Task.sleep(for: .seconds(2))
                }
                var tally = try await fleet.drain(expected: expected, timeout: scenario.drainTimeout)
                if scenario.stalled > 0 && step == scenario.rates.count - 1 {
                    try await fleet.setStalledReading(true)
                    try await Task.sleep(for: .seconds(3))
                    tally = try await fleet.tally(expected: expected)
                }
                var result = StepResult(
                    scenario: scenario, target: target, step: step, rate: rate, report: report, tally: tally,
                    writeStartMicros: writeStart, writeEndMicros: writeEnd)
                result.notifyQueueMax = sampler?.stop()
                result.delivery = try await deliveryCheck(feed, mark: mark, rows: report.rows, expected: expected, tally: tally)
                if case .relay(let relay) = feed {
                    result.relayRSSKiB = relay.process?.residentKiB
                    if scenario.stalled > 0 { result.stalledPendingBytes = relay.slowClientCloses }
                }
                emit(result)
                if scenario.stopOnLoss && tally.missing > 0 { break }
            }
        } catch {
            await fleet.close()
            throw error
        }
        await fleet.close()
    }

    /// One UPDATE of `burstRows` rows (or the blaster's equivalent all at once) to clients spread over the groups.
    private func runBurst(feed: Feed, target: Scenario.Target) async throws {
        let rows = scenario.burstRows
        let groups = scenario.groups
        if case .relay(let relay) = feed {
            let url = relay.databaseURL
            try await onThread { try BenchTable.fill(connectionString: url, rows: rows, groups: groups) }
            // The relay reads the inserts' events (no one is subscribed yet) before the clients come.
            try await Task.sleep(for: .seconds(5))
        }
        let mark = try await journalMark(feed)
        let fleet = try await connectClients(port: feed.port, count: scenario.clients)
        do {
            let writeStart = wallClockMicros()
            let report: PacedWriter.Report
            switch feed {
            case .relay(let relay):
                let url = relay.databaseURL
                let started = monotonicSeconds()
                let updated = try await onThread { try BenchTable.updateAll(connectionString: url) }
                report = PacedWriter.Report(written: [updated], seconds: monotonicSeconds() - started, statements: 1)
            case .blaster:
                report = try await feed.write(
                    PacedWriter.Plan(rate: 1e12, rows: rows, maximumBatch: rows), groups: groups, payloadBytes: scenario.payloadBytes)
            }
            let writeEnd = wallClockMicros()
            let expected = report.perGroup(groups, base: 0)
            let tally = try await fleet.drain(expected: expected, timeout: scenario.drainTimeout)
            var result = StepResult(
                scenario: scenario, target: target, step: 0, rate: 0, report: report, tally: tally,
                writeStartMicros: writeStart, writeEndMicros: writeEnd)
            if case .relay(let relay) = feed { result.relayRSSKiB = relay.process?.residentKiB }
            result.delivery = try await deliveryCheck(feed, mark: mark, rows: report.rows, expected: expected, tally: tally)
            emit(result)
        } catch {
            await fleet.close()
            throw error
        }
        await fleet.close()
    }

    /// Where the relay's journal stands before a step (nil for the blaster).
    private func journalMark(_ feed: Feed) async throws -> JournalCount.Mark? {
        guard case .relay(let relay) = feed else { return nil }
        let url = relay.databaseURL
        return try await onThread { try JournalCount.mark(connectionString: url) }
    }

    /// The step's events in the journal against what was written and what the clients got.
    private func deliveryCheck(
        _ feed: Feed, mark: JournalCount.Mark?, rows: Int, expected: [Int], tally: StepTally
    ) async throws -> DeliveryCheck? {
        guard case .relay(let relay) = feed, let mark else { return nil }
        let url = relay.databaseURL
        let journal = try await onThread { try JournalCount.events(connectionString: url, after: mark) }
        let unsubscribed = expected.indices.filter { tally.leastPerGroup[$0] == nil }.reduce(0) { $0 + expected[$1] }
        return DeliveryCheck(
            journalEvents: journal, rowsWritten: rows, receivedByEveryClient: tally.receivedByEveryClient,
            unsubscribedEvents: unsubscribed)
    }

    /// Idle subscribed clients: the relay's resident memory per connection, a fresh relay per count.
    private func runIdle() async throws {
        let setup = setup
        var relay = try await onThread {
            try RelayTarget.start(relayBinary: setup.relayBinary, databaseURL: setup.databaseURL, maxPendingBytes: setup.maxPendingBytes)
        }
        defer { relay.stop() }
        for (step, count) in scenario.idleCounts.enumerated() {
            if step > 0 {
                let previous = relay
                relay = try await onThread { try previous.restarted(relayBinary: setup.relayBinary, maxPendingBytes: setup.maxPendingBytes) }
            }
            try await Task.sleep(for: .seconds(1))
            let before = relay.process?.residentKiB ?? 0
            let fleet = try await connectClients(port: relay.port, count: count)
            try await Task.sleep(for: .seconds(2))
            let after = relay.process?.residentKiB ?? 0
            let tally = try await fleet.tally(expected: [])
            var result = StepResult(
                scenario: scenario, target: .relay, step: step, rate: 0, report: nil, tally: tally,
                writeStartMicros: 0, writeEndMicros: 0)
            result.relayRSSKiB = after
            result.rssPerConnectionKiB = Double(after - before) / Double(max(1, count))
            emit(result)
            await fleet.close()
        }
    }
}
