/// Reads the event journal that the `sql/` migrations keep, through one connection.
public struct JournalReader {
    private let connection: PostgresConnection

    /// Creates a reader on `connection`.
    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The position of the newest committed event, or 0 when there is none.
    public func lastPosition() throws -> Int64 {
        let rows = try withSchemaHint { try connection.query("SELECT rohrpost.last_position()") }
        guard let text = rows.first?.first ?? nil, let position = Int64(text) else {
            throw PostgresError(.unexpectedResult, "rohrpost.last_position() returned no number")
        }
        return position
    }

    /// Up to `limit` events after `position`, in commit order.
    public func events(after position: Int64, limit: Int) throws -> [JournalEntry] {
        let rows = try withSchemaHint {
            try connection.query(
                "SELECT \(Self.columns) FROM rohrpost.read_events($1, $2)",
                [String(position), String(limit)]
            )
        }
        return try rows.map(Self.entry)
    }

    /// What the journal holds for one group after a position, read in one snapshot.
    public struct GroupBacklog: Sendable {
        /// The oldest position the journal still holds (older events were pruned).
        public var firstPosition: Int64
        /// The newest committed position.
        public var lastPosition: Int64
        /// Up to the requested number of the group's events after the position, in order.
        public var events: [JournalEntry]
    }

    /// Up to `limit` events for `group` after `position`, with the journal's bounds, all
    /// from one snapshot so that pruning cannot slip in between.
    public func backlog(for group: String, after position: Int64, limit: Int) throws -> GroupBacklog {
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            let bounds = try withSchemaHint {
                try connection.query("SELECT rohrpost.first_position(), rohrpost.last_position()")
            }
            guard let row = bounds.first, let first = row[0].flatMap({ Int64($0) }),
                let last = row[1].flatMap({ Int64($0) })
            else {
                throw PostgresError(.unexpectedResult, "rohrpost.first_position() returned no number")
            }
            let rows = try connection.query(
                "SELECT \(Self.columns) FROM rohrpost.read_group_events($1, $2, $3)",
                [group, String(position), String(limit)]
            )
            try connection.execute("COMMIT")
            return GroupBacklog(firstPosition: first, lastPosition: last, events: try rows.map(Self.entry))
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// The columns `entry` reads, in its order.
    private static let columns = """
        position, kind, table_name, object, groups, updated_fields,
        left_groups, old_object, joined_groups, extract(epoch FROM committed_at)::float8
        """

    private static func entry(_ row: [String?]) throws -> JournalEntry {
        guard row.count == 10, let position = row[0].flatMap({ Int64($0) }), let kind = row[1],
            let object = row[3]
        else {
            throw PostgresError(.unexpectedResult, "rohrpost.read_events returned a row the relay cannot read")
        }
        return JournalEntry(
            position: position,
            kind: kind,
            tableName: row[2] ?? "",
            object: object,
            groups: row[4].map(PostgresTextArray.parse) ?? [],
            updatedFields: row[5].map(PostgresTextArray.parse),
            leftGroups: row[6].map(PostgresTextArray.parse) ?? [],
            oldObject: row[7],
            joinedGroups: row[8].map(PostgresTextArray.parse) ?? [],
            committedAt: row[9].flatMap { Double($0) }
        )
    }

    /// Turns "schema rohrpost does not exist" into advice.
    private func withSchemaHint<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState.map(SQLState.missingObject.contains) == true {
            throw PostgresError(
                error.code,
                "\(error.message) (the rohrpost schema is missing or old: run `rohrpost-relay migrate`)",
                sqlState: error.sqlState
            )
        }
    }
}
