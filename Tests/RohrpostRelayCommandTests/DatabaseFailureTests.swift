import RohrpostPostgres
import Testing

@testable import rohrpost_relay

/// The one line a command prints when the database refuses it: what happened, and what to
/// check or run. The live tests (CommandFailureTests) check the same against real servers.
@Suite struct DatabaseFailureTests {
    private func connecting(_ detail: String) -> PostgresError {
        PostgresError(.connectionFailed, "cannot connect to PostgreSQL: \(detail); set DATABASE_URL or the PG* environment variables")
    }

    @Test func eachConnectionFailureSaysWhatToCheck() {
        #expect(DatabaseFailure.line(connecting(#"connection to server at "127.0.0.1", port 1 failed: Connection refused; Is the server running on that host and accepting TCP/IP connections?"#))
            == #"cannot connect to PostgreSQL: connection to server at "127.0.0.1", port 1 failed: Connection refused; is PostgreSQL running there? Check the host and port in DATABASE_URL"#)
        #expect(DatabaseFailure.line(connecting(#"could not translate host name "db.invalid" to address: Name or service not known"#))
            == #"cannot connect to PostgreSQL: could not translate host name "db.invalid" to address: Name or service not known; check the host name in DATABASE_URL"#)
        #expect(DatabaseFailure.line(connecting(#"connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "shop" does not exist"#))
            == #"cannot connect to PostgreSQL: database "shop" does not exist; create it (createdb shop) or fix the database name in DATABASE_URL"#)
        #expect(DatabaseFailure.line(connecting(#"connection to server at "127.0.0.1", port 5432 failed: FATAL:  password authentication failed for user "app""#))
            == #"cannot connect to PostgreSQL: password authentication failed for user "app"; check the user name and password in DATABASE_URL"#)
    }

    @Test func textThatIsNoConnectionStringIsRefusedWithoutItsPassword() {
        #expect(DatabaseFailure.problem(withConnectionString: "postgres://app:pw@db/app") == nil)
        #expect(DatabaseFailure.problem(withConnectionString: "host=db dbname=app") == nil)
        #expect(DatabaseFailure.problem(withConnectionString: "") == nil)
        #expect(DatabaseFailure.problem(withConnectionString: "db:5432/app")?.hasPrefix("'db:5432/app' is neither a URL nor key=value settings") == true)
        let mysql = DatabaseFailure.problem(withConnectionString: "mysql://app:pw@db/app")
        #expect(mysql == "'mysql://app@db/app' is not a PostgreSQL URL (it must begin with postgres:// or postgresql://)")
    }

    @Test func watchNamesTheTableAndWhatToRun() {
        let noTable = PostgresError(.queryFailed, "ERROR:  relation \"public.nosuch\" does not exist\nCONTEXT:  unnamed portal parameter $1 = '...'", sqlState: "42P01", serverMessage: "relation \"public.nosuch\" does not exist")
        #expect(DatabaseFailure.line(noTable, command: "watch", table: "public.nosuch")
            == "watch public.nosuch: there is no table public.nosuch in this database; check the name (schema-qualified, e.g. public.todo) and DATABASE_URL")
        let noSchema = PostgresError(.queryFailed, "ERROR:  schema \"rohrpost\" does not exist", sqlState: "3F000", serverMessage: "schema \"rohrpost\" does not exist")
        #expect(DatabaseFailure.line(noSchema, command: "unwatch", table: "todo")
            == "unwatch todo: the rohrpost schema is missing or old in this database; run `rohrpost-relay migrate` first")
    }
}
