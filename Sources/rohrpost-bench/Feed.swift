/// What feeds the clients in one run: the relay (rows written to PostgreSQL) or the frame
/// blaster (the same frames, generated in its process).
enum Feed: Sendable {
    case relay(RelayTarget)
    case blaster(BlasterProcess)

    var port: Int {
        switch self {
        case .relay(let target): target.port
        case .blaster(let blaster): blaster.port
        }
    }

    /// Writes one step's rows.
    func write(_ plan: PacedWriter.Plan, groups: Int, payloadBytes: Int) async throws -> PacedWriter.Report {
        switch self {
        case .relay(let target):
            let url = target.databaseURL
            return try await PacedWriter(plan: plan).run { _ in
                try PostgresRowSink(connectionString: url, groups: groups, payloadBytes: payloadBytes)
            }
        case .blaster(let blaster):
            return try await blaster.blast(BlastOrder(plan: plan, groups: groups, payloadBytes: payloadBytes))
        }
    }

    /// Stops what this tool started.
    func stop() {
        switch self {
        case .relay(let target): target.stop()
        case .blaster(let blaster): blaster.stop()
        }
    }
}
