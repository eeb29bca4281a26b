/// One function or trigger definition from the package's `sql/definitions/` folder.
///
/// Definitions are `CREATE OR REPLACE` statements, one function (with its comment, and its
/// trigger where it has one) a file. `Migrator` applies all of them, in file-name order,
/// after the migrations, through `rohrpost.install_definitions` (sql/migrations/0012).
public struct SQLDefinition: Sendable, Hashable, Codable {
    /// The file's name, e.g. `watch.sql`.
    public let fileName: String
    /// The file's SQL text.
    public let sql: String

    /// Creates a definition from a file's name and text.
    public init(fileName: String, sql: String) {
        self.fileName = fileName
        self.sql = sql
    }

    private enum CodingKeys: String, CodingKey {
        case fileName = "name"
        case sql
    }
}
