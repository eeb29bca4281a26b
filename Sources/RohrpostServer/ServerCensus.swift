/// How many clients, subscriptions and groups a server holds at one moment, summed over
/// its event loops (a group with members on two loops counts twice).
public struct ServerCensus: Sendable, Hashable {
    /// Open client connections.
    public var connections: Int = 0
    /// Memberships of a connection in a group.
    public var subscriptions: Int = 0
    /// Groups with at least one member (per loop).
    public var groups: Int = 0

    /// Creates a census.
    public init(connections: Int = 0, subscriptions: Int = 0, groups: Int = 0) {
        self.connections = connections
        self.subscriptions = subscriptions
        self.groups = groups
    }
}
