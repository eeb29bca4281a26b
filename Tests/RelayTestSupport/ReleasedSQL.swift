import Foundation
import Logging
import RohrpostPostgres

/// The migrations as earlier releases shipped them, from `Tests/Fixtures/released-sql.tar.gz`
/// (`git archive aa3d2da sql`: sql/0001 to 0011 as releases 1 to 11 left them, before the
/// functions moved to sql/definitions), to make databases of those releases.
public enum ReleasedSQL {
    /// The newest release the archive holds.
    public static let latestRelease = 11

    /// The migrations a database of `release` has applied (none for release 0).
    public static func migrations(through release: Int) throws -> [Migration] {
        if let failure = extracted.failure {
            throw TestSupportError(.missingFixture, "cannot read Tests/Fixtures/released-sql.tar.gz: \(failure)")
        }
        return extracted.migrations.filter { ($0.version ?? .max) <= release }
    }

    /// Makes `database` a database of `release`: its migrations, as the relay of that
    /// release applied them (one file after another; they held the functions then).
    public static func install(release: Int, on database: TestDatabase) throws {
        let connection = try PostgresConnection(connectionString: database.connectionString, applicationName: "released")
        for migration in try migrations(through: release) {
            try connection.execute(migration.sql)
        }
    }

    private static let extracted: (migrations: [Migration], failure: String?) = {
        do { return (try extract(), nil) } catch { return ([], "\(error)") }
    }()

    private static func extract() throws -> [Migration] {
        let archive = URL(filePath: #filePath).deletingLastPathComponent()
            .appending(path: "../Fixtures/released-sql.tar.gz").standardized.path
        let folder = NSTemporaryDirectory() + "rohrpost-released-sql-\(UInt64.random(in: .min ... .max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try ServerProcess.run(["/bin/tar", "-xzf", archive, "-C", folder])
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/sql").filter { $0.hasSuffix(".sql") }
        return try names.sorted().map { name in
            Migration(fileName: name, sql: try String(contentsOfFile: folder + "/sql/" + name, encoding: .utf8))
        }
    }
}
