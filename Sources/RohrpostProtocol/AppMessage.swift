/// A message app code sent with `rohrpost.send(group, type, object)`: numbered and
/// ordered like a row change, and sent to each of its groups as a `subscription-update`
/// whose data is `{"type": <type>, "group": <group>, "object": <object>}`, which
/// rohrpost-js hands to the group's listener as it is.
public struct AppMessage: Sendable, Hashable {
    /// The message's position in the change stream: the `id` of its messages.
    public var position: Int64
    /// The app's name for what happened, e.g. `export-finished`.
    public var type: String
    /// The JSON text the app sent (any JSON value), spliced in as it is.
    public var object: String
    /// The groups that receive it, each once.
    public var groups: [String]

    /// Creates a message.
    public init(position: Int64, type: String, object: String, groups: [String]) {
        self.position = position
        self.type = type
        self.object = object
        self.groups = groups
    }

    /// The journal's `kind` of a message: `message:` and its type.
    public static let kindPrefix = "message:"

    /// The message a journal entry of kind `message:<type>` holds; nil for other kinds.
    public init?(position: Int64, kind: String, object: String, groups: [String]) {
        guard kind.hasPrefix(Self.kindPrefix) else { return nil }
        self.init(position: position, type: String(kind.dropFirst(Self.kindPrefix.count)), object: object, groups: groups)
    }

    /// One message text per group, each built once to be written to every subscriber.
    public func messages() -> [(group: String, text: [UInt8])] {
        let position = Array(String(self.position).utf8)
        var type: [UInt8] = []
        type.appendJSONString(self.type)
        let object = Array(self.object.utf8)
        return groups.map { group in
            (group: group, text: RowChange.subscriptionUpdate(position: position, type: type, group: group, object: object))
        }
    }
}
