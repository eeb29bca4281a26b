/// The clients of a run, in this process or spread over several (`ShardedClients`).
protocol Clients: Sendable {
    /// Stops (or restarts) reading on the stalled clients.
    func setStalledReading(_ reading: Bool) async throws
    /// The step's counts so far; `expected[g]` events were written to group g.
    func tally(expected: [Int]) async throws -> StepTally
    /// Clears the counters for the next step.
    func reset() async throws
    /// Closes every client.
    func close() async
}

extension Clients {
    /// Waits until every reading client has all it should, or `timeout` seconds passed
    /// with nothing new arriving; returns the step's counts.
    func drain(expected: [Int], timeout: Double) async throws -> StepTally {
        var tally = try await self.tally(expected: expected)
        var lastReceived = tally.received
        var quietSince = monotonicSeconds()
        for _ in 0..<100_000 where tally.missing > 0 {
            try await Task.sleep(for: .milliseconds(100))
            tally = try await self.tally(expected: expected)
            if tally.received != lastReceived {
                lastReceived = tally.received
                quietSince = monotonicSeconds()
            } else if monotonicSeconds() - quietSince > timeout {
                break
            }
        }
        return tally
    }
}

/// Clients split into shards; every call goes to each shard and tallies add up.
struct ShardedClients: Clients {
    let shards: [any Clients]

    /// Connects the clients of `plan`: in this process when they fit in `clientsPerProcess`,
    /// else in shards of at most that many, the first here and each other one in a child
    /// process (`rohrpost-bench clients`), since one process's open-file limit caps its sockets.
    static func connect(
        _ plan: ClientFleet.Plan, threads: Int, clientsPerProcess: Int, benchBinary: String
    ) async throws -> any Clients {
        let perProcess = max(1, clientsPerProcess)
        guard plan.clients > perProcess else {
            return try await ClientFleet.connect(plan, threads: threads)
        }
        let ranges = stride(from: plan.firstIndex, to: plan.indices.upperBound, by: perProcess).map {
            $0..<min($0 + perProcess, plan.indices.upperBound)
        }
        var remotes: [ClientShardProcess] = []
        do {
            for range in ranges.dropFirst() {
                remotes.append(try await ClientShardProcess.start(plan.shard(range), threads: threads, binary: benchBinary))
            }
            let local = try await ClientFleet.connect(plan.shard(ranges[0]), threads: threads)
            return ShardedClients(shards: [local] + remotes)
        } catch {
            for remote in remotes { await remote.close() }
            throw error
        }
    }

    func setStalledReading(_ reading: Bool) async throws {
        for shard in shards { try await shard.setStalledReading(reading) }
    }

    func tally(expected: [Int]) async throws -> StepTally {
        var total = StepTally()
        for shard in shards { total.merge(try await shard.tally(expected: expected)) }
        return total
    }

    func reset() async throws {
        for shard in shards { try await shard.reset() }
    }

    func close() async {
        for shard in shards { await shard.close() }
    }
}
