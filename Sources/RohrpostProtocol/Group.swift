/// A named set of connections that receive the same events, e.g. `collection-5`.
public struct Group: Sendable, Hashable {
    /// The longest group name a client may subscribe to, in UTF-8 bytes: 256.
    public static let maximumNameLength = 256

    /// The group's name, as it appears in replies and in events' `data.group`.
    public let name: String

    /// Creates a group with a name the caller vouches for (e.g. from an event).
    public init(name: String) {
        self.name = name
    }

    /// Creates the group a subscribe or unsubscribe names in its `data`.
    ///
    /// `{"type":"collection","id":5}` is `collection-5`, `"id":"abc"` gives
    /// `collection-abc`, and no `id` gives `collection`. An integer `id` keeps its digits
    /// as written.
    ///
    /// - Throws: ``InvalidSubscription`` unless `data` is an object whose `type` is a
    ///   non-empty string and whose `id`, if present, is a string or an integer, and the
    ///   name fits ``maximumNameLength``.
    public init(subscriptionData data: JSONValue?) throws(InvalidSubscription) {
        guard let data, data.isObject else { throw .dataNotAnObject }
        guard let type = data["type"]?.stringValue, !type.isEmpty else { throw .typeNotANonEmptyString }
        let name: String
        switch data["id"] {
        case .none:
            name = type
        case .some(.string(let id)):
            name = "\(type)-\(id)"
        case .some(.number(let id)) where id.isInteger:
            name = "\(type)-\(id.text)"
        case .some:
            throw .idNotAStringOrInteger
        }
        guard name.utf8.count <= Self.maximumNameLength else { throw .groupNameTooLong }
        self.name = name
    }
}

extension Group: CustomStringConvertible {
    /// The group's name.
    public var description: String { name }
}
