/// One SQL migration from the package's `sql/migrations/` folder: tables, indexes and data.
///
/// Each file guards itself: it records its version in `rohrpost.schema_migrations` and
/// does nothing when that version is already there, so applying all of them in order is
/// always safe, on a new database, a current one, or one that a newer relay migrated.
/// Functions and triggers are `SQLDefinition`s, applied after the migrations.
public struct Migration: Sendable, Hashable {
    /// The file's name, e.g. `0001_journal.sql`.
    public let fileName: String
    /// The file's SQL text, sent to PostgreSQL as one simple-protocol query.
    public let sql: String

    /// Creates a migration from a file's name and text.
    public init(fileName: String, sql: String) {
        self.fileName = fileName
        self.sql = sql
    }
}
