import RohrpostProtocol

/// Allows the groups a token's claim lists: by default `groups`, an array of
/// ``GroupPattern``s such as `["collection-*", "todo-17"]`.
public struct ClaimsAuthorizer: Sendable, Hashable {
    /// The claim that lists the patterns. Defaults to `groups`.
    public var claim: String

    /// Creates an authorizer that reads `claim`.
    public init(claim: String = "groups") {
        self.claim = claim
    }

    /// The patterns `claims` grants: the claim's strings (one string counts as a list of
    /// one); none when the claim is missing or of another type.
    public func patterns(in claims: JSONValue) -> [GroupPattern] {
        switch claims[claim] {
        case .string(let one)?: [GroupPattern(one)]
        case .array(let many)?: many.compactMap { $0.stringValue.map(GroupPattern.init) }
        default: []
        }
    }

    /// Whether `claims` allow subscribing to `group`.
    public func allows(_ claims: JSONValue, subscribeTo group: String) -> Bool {
        patterns(in: claims).contains { $0.matches(group) }
    }
}
