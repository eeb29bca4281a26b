/// One row change as the journal holds it: what `rohrpost.read_events` returns.
public struct JournalEntry: Sendable, Hashable {
    /// The row change's position in commit order; clients see it as the event `id`.
    public var position: Int64
    /// `create`, `update`, `delete`, or `message:<type>` for a message from `rohrpost.send`.
    public var kind: String
    /// The schema-qualified table the row belongs to.
    public var tableName: String
    /// The row as JSON text: the new row, or for a delete the row as it was.
    public var object: String
    /// The groups that get `kind` with `object`.
    public var groups: [String]
    /// For an update, the carried columns whose values changed, in table order.
    public var updatedFields: [String]?
    /// For an update, the groups the row left; they get `delete` with `oldObject`.
    public var leftGroups: [String]
    /// For an update that left groups, the row as it was.
    public var oldObject: String?
    /// For an update, the groups the row joined; they get `create` with `object`.
    public var joinedGroups: [String]
    /// When the writing transaction committed, in seconds since 1970 (for latency figures).
    public var committedAt: Double?

    /// Creates an entry.
    public init(
        position: Int64, kind: String, tableName: String, object: String, groups: [String],
        updatedFields: [String]? = nil, leftGroups: [String] = [], oldObject: String? = nil,
        joinedGroups: [String] = [], committedAt: Double? = nil
    ) {
        self.position = position
        self.kind = kind
        self.tableName = tableName
        self.object = object
        self.groups = groups
        self.updatedFields = updatedFields
        self.leftGroups = leftGroups
        self.oldObject = oldObject
        self.joinedGroups = joinedGroups
        self.committedAt = committedAt
    }
}
