import RohrpostRelay

/// The demo's `todo` table and the live page's `live_rows` handler (`DemoSchema`).
struct DemoTable {
    let database: Database

    /// Creates and watches the table, with a few rows to start from, and the handler.
    func install() async throws {
        try await database.withConnection { connection in
            try connection.execute(DemoSchema.sql)
        }
    }
}
