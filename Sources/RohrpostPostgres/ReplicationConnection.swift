import CLibPQ
import Foundation

/// One replication connection (`replication=database`) to PostgreSQL: creates and drops
/// logical slots and streams a slot's changes through the `pgoutput` plugin.
///
/// An actor whose jobs run on a thread of its own (`ConnectionThread`), so each blocking
/// libpq call blocks only that thread. Its `PGconn` is freed when it goes (`ReplicationHandle`).
///
/// ```swift
/// let replication = try await ReplicationConnection.connect(connectionString: url, applicationName: "relay")
/// let start = try await replication.createSlot("relay", temporary: false)
/// try await replication.startReplication(slot: "relay", from: start, publication: "rohrpost")
/// var assembler = ReplicationTransactionAssembler()
/// while true {
///     for case .xLogData(let data) in try await replication.read(upTo: 1_000, timeout: .seconds(10)) {
///         if let committed = try assembler.feed(PgOutputMessage(decoding: data.payload)) { ... }
///     }
/// }
/// ```
public actor ReplicationConnection {
    private let thread: ConnectionThread
    /// Set by `connect` before anyone else sees this actor.
    var handle: ReplicationHandle?
    /// Why the stream ended, once it has: every later read throws it.
    var endOfStream: (any Error)?

    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    private init() {
        thread = ConnectionThread(name: "rohrpost-replication")
    }

    deinit {
        // The handle frees the PGconn as it goes with this actor.
        thread.stop()
    }

    /// Opens a replication connection to the database `connectionString` names.
    ///
    /// - Parameters:
    ///   - connectionString: a libpq connection string or URL (`host=db dbname=app`,
    ///     `postgres://...`), as for `PostgresConnection`; `replication=database` is added.
    ///   - applicationName: what `pg_stat_replication.application_name` shows.
    public static func connect(
        connectionString: String, applicationName: String, connectTimeoutSeconds: Int = 10
    ) async throws -> ReplicationConnection {
        let replication = ReplicationConnection()
        try await replication.open(connectionString, applicationName, connectTimeoutSeconds)
        return replication
    }

    private func open(_ connectionString: String, _ applicationName: String, _ connectTimeoutSeconds: Int) throws {
        let made = ConnectionParameters.connect(
            ConnectionParameters.list(
                connectionString, applicationName: applicationName, connectTimeoutSeconds: connectTimeoutSeconds,
                extra: [("replication", "database")]))
        guard let made else {
            throw PostgresError(.connectionFailed, "cannot open a replication connection: libpq is out of memory")
        }
        guard PQstatus(made) == CONNECTION_OK else {
            let detail = Self.errorText(made)
            PQfinish(made)
            let refusedAsReplication = ["walsender", "WAL sender", "REPLICATION"].contains { detail.contains($0) }
            let hint =
                refusedAsReplication
                ? "give the role the REPLICATION attribute (ALTER ROLE ... REPLICATION)"
                : "set DATABASE_URL or the PG* environment variables"
            throw PostgresError(.connectionFailed, "cannot open a replication connection to PostgreSQL: \(detail); \(hint)")
        }
        PQsetNoticeProcessor(made, { _, _ in }, nil)
        handle = ReplicationHandle(made)
    }

    /// Asks the server who it is (`IDENTIFY_SYSTEM`).
    public func identifySystem() throws -> ReplicationSystem {
        try run("IDENTIFY_SYSTEM", doing: "identify the server") { result in
            guard PQntuples(result) == 1, PQnfields(result) >= 4,
                let timeline = UInt32(Self.text(result, 0, 1) ?? ""), let position = LSN(Self.text(result, 0, 2) ?? "")
            else { throw PostgresError(.unexpectedResult, "IDENTIFY_SYSTEM answered with an unexpected row") }
            return ReplicationSystem(
                systemID: Self.text(result, 0, 0) ?? "", timeline: timeline, position: position, database: Self.text(result, 0, 3))
        }
    }

    /// Creates a logical slot for `pgoutput` and returns its consistent point: streaming
    /// from there yields every transaction that commits after it.
    ///
    /// A temporary slot belongs to this connection and goes when it closes.
    public func createSlot(_ name: String, temporary: Bool) throws -> LSN {
        try Self.checkSlotName(name)
        let command = "CREATE_REPLICATION_SLOT \"\(name)\"\(temporary ? " TEMPORARY" : "") LOGICAL pgoutput"
        return try run(command, doing: "create replication slot \(name)") { result in
            guard PQntuples(result) == 1, let point = LSN(Self.text(result, 0, 1) ?? "") else {
                throw PostgresError(.unexpectedResult, "CREATE_REPLICATION_SLOT answered without a consistent point")
            }
            return point
        }
    }

    /// Drops a slot, which must not be streaming on another connection.
    public func dropSlot(_ name: String) throws {
        try Self.checkSlotName(name)
        try run("DROP_REPLICATION_SLOT \"\(name)\"", doing: "drop replication slot \(name)", expecting: PGRES_COMMAND_OK) { _ in }
    }

    /// Starts streaming `slot` from `position` with `pgoutput` protocol version 1 for
    /// `publication`; from then on only `read` and `sendStatus` may be called.
    public func startReplication(slot: String, from position: LSN, publication: String) throws {
        try Self.checkSlotName(slot)
        let quotedPublication = "'" + publication.replacingOccurrences(of: "'", with: "''") + "'"
        let command =
            "START_REPLICATION SLOT \"\(slot)\" LOGICAL \(position) "
            + "(\"proto_version\" '1', \"publication_names\" \(quotedPublication))"
        try run(command, doing: "start replication from slot \(slot)", expecting: PGRES_COPY_BOTH) { _ in }
    }

    /// Slot names are what PostgreSQL allows (lower-case letters, digits, underscores), so
    /// they need no escaping and a bad one fails here with a clear message.
    private static func checkSlotName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
        guard allowed, (1...63).contains(name.utf8.count) else {
            throw PostgresError(
                .queryFailed,
                "invalid replication slot name \"\(name)\": use 1 to 63 lower-case letters, digits and underscores")
        }
    }
}
