/// What happened to a row: the `data.type` of the event message.
public enum ChangeKind: String, Sendable, Hashable {
    /// The row was inserted, or joined the group.
    case create
    /// The row changed and stays in the group.
    case update
    /// The row was deleted, or left the group.
    case delete
}

/// One committed row change, as read from the database, ready to become event messages.
///
/// The JSON texts come from PostgreSQL and are valid JSON objects already; they are
/// spliced into the messages as they are, never parsed again.
public struct RowChange: Sendable, Hashable {
    /// The change's position in the change stream: the `id` of its messages.
    public var position: Int64
    /// What happened to the row.
    public var kind: ChangeKind
    /// The row as a JSON object: as it is now, or as it was before a delete.
    public var object: String
    /// The groups that receive ``kind`` with ``object``.
    public var groups: [String]
    /// For an update, the columns whose values changed; sent as `object.updated_fields`.
    public var updatedFields: [String]?
    /// For an update, the groups the row left; they receive `delete` with ``oldObject``.
    public var leftGroups: [String]
    /// For an update with ``leftGroups``, the row as it was before the update.
    public var oldObject: String?
    /// For an update, the groups the row joined; they receive `create` with ``object``.
    public var joinedGroups: [String]

    /// Creates a row change; the update-only parts default to empty.
    public init(
        position: Int64,
        kind: ChangeKind,
        object: String,
        groups: [String],
        updatedFields: [String]? = nil,
        leftGroups: [String] = [],
        oldObject: String? = nil,
        joinedGroups: [String] = []
    ) {
        self.position = position
        self.kind = kind
        self.object = object
        self.groups = groups
        self.updatedFields = updatedFields
        self.leftGroups = leftGroups
        self.oldObject = oldObject
        self.joinedGroups = joinedGroups
    }
}
