import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// What each command prints when it cannot do its work: one line on standard error that
/// says what is wrong and what to check or run, never PostgreSQL's raw text, never a password.
@Suite(.serialized) struct CommandFailureTests {
    /// A cluster whose role `pwcheck` must give its password (every other role is trusted):
    /// the one way to see a wrong password refused.
    private static func passwordCluster() async throws -> (PostgresCluster, hba: URL) {
        let hba = FileManager.default.temporaryDirectory.appendingPathComponent("rohrpost-hba-\(UUID().uuidString).conf")
        try """
            local all all trust
            host all pwcheck 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 trust
            host all all ::1/128 trust

            """.write(to: hba, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: hba.path)
        let cluster = try await PostgresCluster.start(settings: ["hba_file": hba.path])
        let database = try await cluster.makeDatabase()
        try database.execute("CREATE ROLE pwcheck LOGIN PASSWORD 'the-right-one'")
        return (cluster, hba)
    }

    /// Each wrong DATABASE_URL, and the words its one line must hold.
    private static func wrongURLs(port: Int, freePort: Int) -> [(url: String, says: String)] {
        [
            ("postgres://postgres:hunter2secret@127.0.0.1:\(freePort)/app",
             "Connection refused; is PostgreSQL running there? Check the host and port in DATABASE_URL"),
            ("postgres://postgres:hunter2secret@no-such-host.invalid:5432/app",
             #"could not translate host name "no-such-host.invalid""#),
            ("postgres://postgres:hunter2secret@127.0.0.1:\(port)/no_such_db",
             #"database "no_such_db" does not exist; create it (createdb no_such_db) or fix the database name in DATABASE_URL"#),
            ("postgres://pwcheck:hunter2secret@127.0.0.1:\(port)/postgres",
             #"password authentication failed for user "pwcheck"; check the user name and password in DATABASE_URL"#),
            ("127.0.0.1:\(port)/app", "is neither a URL nor key=value settings"),
            ("mysql://postgres:hunter2secret@127.0.0.1/app", "is not a PostgreSQL URL"),
        ]
    }

    @Test(.timeLimit(.minutes(3))) func aWrongDatabaseURLGetsOneLineSayingWhatToCheckFromEveryCommand() async throws {
        let (cluster, hba) = try await Self.passwordCluster()
        defer {
            cluster.destroy()
            try? FileManager.default.removeItem(at: hba)
        }
        let commands: [[String]] = [
            ["serve", "--auth", "none", "--port", "0"], ["serve", "--auth", "none", "--port", "0", "--migrate"],
            ["migrate"], ["watch", "public.todo"], ["unwatch", "public.todo"], ["capture", "logical"],
            ["demo", "--port", "0"],
        ]
        for (url, says) in Self.wrongURLs(port: cluster.port, freePort: try LoopbackPort.free()) {
            for command in commands {
                let run = try await RelayCommand.run(command, environment: ["DATABASE_URL": url, "ROHRPOST_LOG_LEVEL": "trace"])
                let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("Error: ") }
                #expect(run.status != 0, "\(command) with \(url)")
                #expect(lines.count == 1 && lines[0].contains(says), "\(command) with \(url):\n\(run.stderr)")
                #expect(!run.stderr.contains("logical capture"), "\(command) with \(url):\n\(run.stderr)")
                #expect(!(run.stderr + run.stdout).contains("hunter2secret"), "\(command) with \(url):\n\(run.stderr)")
            }
        }
    }

    @Test func watchAndUnwatchOnADatabaseNeverMigratedSayToMigrateFirst() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try database.execute("CREATE TABLE todo (id serial PRIMARY KEY)")
        for command in [["watch", "todo"], ["unwatch", "todo"], ["watch", "nosuch"]] {
            let run = try await RelayCommand.run(command + ["--database-url", database.connectionString])
            #expect(run.status != 0)
            #expect(
                run.stderr == "Error: \(command[0]) \(command[1]): the rohrpost schema is missing or old in this database; run `rohrpost-relay migrate` first\n",
                "\(command): \(run.stderr)")
        }
    }

    @Test func watchAndUnwatchOfAMissingTableNameIt() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        for command in ["watch", "unwatch"] {
            let run = try await RelayCommand.run([command, "public.nosuch", "--database-url", database.connectionString])
            #expect(run.status != 0)
            #expect(
                run.stderr == "Error: \(command) public.nosuch: there is no table public.nosuch in this database; check the name (schema-qualified, e.g. public.todo) and DATABASE_URL\n",
                "\(run.stderr)")
        }
        // A watch the SQL refuses says why in PostgreSQL's one line, without its CONTEXT.
        try database.execute("CREATE TABLE todo (id serial PRIMARY KEY)")
        let run = try await RelayCommand.run(["watch", "todo", "--group", "todo-{nosuch}", "--database-url", database.connectionString])
        #expect(run.status != 0)
        #expect(run.stderr.hasPrefix("Error: watch todo: ") && run.stderr.contains("nosuch"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1 && !run.stderr.contains("CONTEXT"), "\(run.stderr)")
    }

    @Test func serveAndCaptureOnADatabaseNeverMigratedSayToMigrateFirst() async throws {
        let database = try await PostgresCluster.shared().makeDatabase()
        for command in [["serve", "--auth", "none", "--port", "0"], ["capture", "logical"], ["capture", "trigger"]] {
            let run = try await RelayCommand.run(command + ["--database-url", database.connectionString])
            let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("Error: ") }
            #expect(run.status != 0, "\(command)")
            #expect(lines.count == 1 && lines[0].contains("run `rohrpost-relay migrate` first"), "\(command): \(run.stderr)")
        }
    }
}
