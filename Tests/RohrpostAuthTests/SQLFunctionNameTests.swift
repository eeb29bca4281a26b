import Logging
import RohrpostAuth
import RohrpostPostgres
import Testing

/// The SQL function is spliced into the query, so its name must be a plain identifier.
@Suite struct SQLFunctionNameTests {
    private let pool = QueryPool(connectionString: "host=/nonexistent", size: 1, logger: Logger(label: "test"))

    @Test(arguments: ["rohrpost.authorize", "authorize", "app_auth.may_see_2", "_x._y"])
    func plainNamesAreAccepted(_ name: String) throws {
        #expect(try SQLAuthorizer(pool: pool, function: name, logger: Logger(label: "test")).function == name)
    }

    @Test(arguments: ["", "a.b.c", "x; DROP TABLE t", "rohrpost.authorize()", "\"quoted\"", "2fa", "a.", ".a", "a-b"])
    func otherNamesAreRefused(_ name: String) {
        #expect(throws: AuthError.self) { try SQLAuthorizer(pool: pool, function: name, logger: Logger(label: "test")) }
    }
}
