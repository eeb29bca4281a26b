import RelayTestSupport
import RohrpostPostgres
import Testing

/// Replication connections against a real PostgreSQL with `wal_level = logical`: slots,
/// streaming, and the errors a user sees.
///
/// Serialized: creating a slot waits for every transaction running in the cluster, so
/// the tests keep out of each other's way.
@Suite(.serialized) struct ReplicationConnectionTests {
    /// One cluster for all replication tests; a database per test. Autovacuum is off so
    /// that no background transaction delays slot creation.
    static let cluster = Task {
        try await PostgresCluster.start(settings: [
            "wal_level": "logical", "max_replication_slots": "20", "max_wal_senders": "20", "autovacuum": "off",
        ])
    }

    /// A fresh database with table `t` and publication `p` of its inserts.
    static func publishingDatabase() async throws -> TestDatabase {
        let database = try await cluster.value.makeDatabase()
        try database.execute(
            "CREATE TABLE t (id int PRIMARY KEY, note text); CREATE PUBLICATION p FOR TABLE t WITH (publish = 'insert')")
        return database
    }

    static func connect(_ database: TestDatabase) async throws -> ReplicationConnection {
        try await ReplicationConnection.connect(connectionString: database.connectionString, applicationName: "replication-test")
    }

    @Test func identifySystemNamesTheDatabaseOfAKeywordString() async throws {
        let database = try await Self.publishingDatabase()
        let system = try await Self.connect(database).identifySystem()
        #expect(system.database == database.name)
        #expect(system.timeline == 1)
        #expect(system.position > .invalid)
        #expect(try database.query("SELECT system_identifier::text FROM pg_control_system()") == [[system.systemID]])
    }

    @Test func aPostgresURLConnectsForReplicationToo() async throws {
        let database = try await Self.publishingDatabase()
        let port = try await Self.cluster.value.port
        let replication = try await ReplicationConnection.connect(
            connectionString: "postgres://postgres@127.0.0.1:\(port)/\(database.name)", applicationName: "replication-url-test")
        #expect(try await replication.identifySystem().database == database.name)
        let backends = try database.query("SELECT backend_type FROM pg_stat_activity WHERE application_name = 'replication-url-test'")
        #expect(backends == [["walsender"]])
    }

    @Test func aPermanentSlotOutlivesItsConnectionUntilDropped() async throws {
        let database = try await Self.publishingDatabase()
        let slot = "keep_\(database.name)"
        let point = try await Self.connect(database).createSlot(slot, temporary: false)
        let rows = try database.query(
            "SELECT plugin, slot_type, temporary::text, confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1",
            parameters: [slot])
        #expect(rows == [["pgoutput", "logical", "false", point.description]])
        try await Self.connect(database).dropSlot(slot)
        #expect(try database.query("SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1", parameters: [slot]) == [["0"]])
    }

    @Test func aSecondConsumerOfAStreamingSlotIsToldItIsActive() async throws {
        let database = try await Self.publishingDatabase()
        let first = try await Self.connect(database)
        let point = try await first.createSlot("busy", temporary: true)
        try await first.startReplication(slot: "busy", from: point, publication: "p")
        let pid = try #require(try database.query("SELECT active_pid::text FROM pg_replication_slots WHERE slot_name = 'busy'").first?.first ?? nil)

        let second = try await Self.connect(database)
        await #expect {
            try await second.startReplication(slot: "busy", from: point, publication: "p")
        } throws: { error in
            let error = error as? PostgresError
            return error?.code == .queryFailed && error?.sqlState == "55006"
                && error?.message == #"cannot start replication from slot busy: replication slot "busy" is active for PID \#(pid); another connection is streaming from this slot"#
        }
        _ = try await first.read(timeout: .milliseconds(10))
    }

    @Test func aRoleWithoutReplicationIsToldWhatItLacks() async throws {
        let database = try await Self.publishingDatabase()
        try database.execute("DROP ROLE IF EXISTS plain_reader; CREATE ROLE plain_reader LOGIN")
        await #expect {
            try await ReplicationConnection.connect(
                connectionString: database.connectionString + " user=plain_reader", applicationName: "replication-test")
        } throws: { error in
            let error = error as? PostgresError
            return error?.code == .connectionFailed
                && error?.message.hasPrefix("cannot open a replication connection to PostgreSQL: ") == true
                && error?.message.hasSuffix("; give the role the REPLICATION attribute (ALTER ROLE ... REPLICATION)") == true
        }
    }

    @Test func aBadSlotNameIsRefusedBeforeAskingTheServer() async throws {
        let replication = try await Self.connect(try await Self.publishingDatabase())
        await #expect {
            try await replication.createSlot("Robert'); DROP", temporary: true)
        } throws: { error in
            (error as? PostgresError)?.message.hasPrefix(#"invalid replication slot name "Robert'); DROP""#) == true
        }
    }

    @Test func aServerWithoutLogicalWALLevelSaysHowToFixIt() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        let replication = try await Self.connect(database)
        await #expect {
            try await replication.createSlot("nope", temporary: true)
        } throws: { error in
            let message = (error as? PostgresError)?.message ?? ""
            return message.hasPrefix("cannot create replication slot nope: logical decoding requires wal_level >= logical")
                && message.hasSuffix("set wal_level = logical (postgresql.conf or ALTER SYSTEM) and restart PostgreSQL")
        }
    }
}
