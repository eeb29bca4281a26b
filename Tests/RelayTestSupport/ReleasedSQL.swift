import Foundation
import Logging
import RohrpostPostgres

/// The SQL as earlier releases shipped it, to make databases of those releases:
/// `Tests/Fixtures/released-sql.tar.gz` (`git archive aa3d2da sql`: sql/0001 to 0011 as
/// releases 1 to 11 left them, functions and all), `released-sql-12.tar.gz`
/// (`git archive e27c901 sql`: release 12, the first with sql/migrations and sql/definitions)
/// and `released-sql-13.tar.gz` (`git archive 69ceb31 sql`).
public enum ReleasedSQL {
    /// The archives of releases with sql/migrations and sql/definitions, by release: a new
    /// release's SQL becomes a fixture by adding its archive here.
    private static let archivesWithDefinitions = [12: "released-sql-12.tar.gz", 13: "released-sql-13.tar.gz"]

    /// The newest release the archives hold.
    public static let latestRelease = archivesWithDefinitions.keys.max() ?? 11

    /// The migrations a database of `release` has applied (none for release 0), in the
    /// files that release shipped.
    public static func migrations(through release: Int) throws -> [Migration] {
        let files = release <= 11 ? try released11.get() : try releasedWithDefinitions(release).migrations
        return files.filter { ($0.version ?? .max) <= release }
    }

    /// Makes `database` a database of `release`, as the relay of that release migrated it:
    /// up to 11 the files one after another (they held the functions then); from 12 on its
    /// migrations and then its definitions.
    public static func install(release: Int, on database: TestDatabase) throws {
        let connection = try PostgresConnection(connectionString: database.connectionString, applicationName: "released")
        if release >= 12 {
            let files = try releasedWithDefinitions(release)
            try Migrator(migrations: files.migrations, definitions: files.definitions, logger: Logger(label: "released"))
                .apply(on: connection)
            return
        }
        for migration in try migrations(through: release) {
            try connection.execute(migration.sql)
        }
    }

    private static let released11 = Result { try extract("released-sql.tar.gz") { folder in
        try sqlFiles(in: folder + "/sql").map { Migration(fileName: $0.fileName, sql: $0.sql) }
    } }

    /// The migrations and definitions of `release` (12 or later).
    private static func releasedWithDefinitions(_ release: Int) throws -> (migrations: [Migration], definitions: [SQLDefinition]) {
        guard let files = releasedWithDefinitionsByRelease[release] else {
            throw TestSupportError(.missingFixture, "no archive of release \(release) in Tests/Fixtures")
        }
        return try files.get()
    }

    /// Each archive of `archivesWithDefinitions`, read once.
    private static let releasedWithDefinitionsByRelease = archivesWithDefinitions.mapValues { archive in
        Result {
            try extract(archive) { folder in
                (migrations: try sqlFiles(in: folder + "/sql/migrations").map { Migration(fileName: $0.fileName, sql: $0.sql) },
                 definitions: try sqlFiles(in: folder + "/sql/definitions").map { SQLDefinition(fileName: $0.fileName, sql: $0.sql) })
            }
        }
    }

    /// Unpacks the fixture `archive` into a temporary folder and reads it with `read`.
    private static func extract<Files>(_ archive: String, _ read: (String) throws -> Files) throws -> Files {
        let path = URL(filePath: #filePath).deletingLastPathComponent()
            .appending(path: "../Fixtures/\(archive)").standardized.path
        let folder = NSTemporaryDirectory() + "rohrpost-released-sql-\(UInt64.random(in: .min ... .max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            _ = try ServerProcess.run(["/bin/tar", "-xzf", path, "-C", folder])
            return try read(folder)
        } catch {
            throw TestSupportError(.missingFixture, "cannot read Tests/Fixtures/\(archive): \(error)")
        }
    }

    /// The `.sql` files of `folder`, by name, as (file name, text).
    private static func sqlFiles(in folder: String) throws -> [(fileName: String, sql: String)] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }.sorted().map { name in
            (name, try String(contentsOfFile: folder + "/" + name, encoding: .utf8))
        }
    }
}
