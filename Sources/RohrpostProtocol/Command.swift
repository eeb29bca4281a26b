/// What a request asks the relay to do, decided by its `type`.
public enum Command: Sendable, Hashable {
    /// `ping`: answer at once with ``Reply/pong(to:)``; needs no token.
    case ping(data: JSONValue?)
    /// `subscribe` to a well-formed group; the access policy decides, then
    /// ``Reply/confirming(_:to:)`` or ``Reply/accessDenied(to:)``.
    case subscribe(Group, since: Int64?)
    /// `unsubscribe` from a well-formed group; succeeds also when not subscribed.
    case unsubscribe(Group)
    /// A request that can only be refused; send the reply as it is.
    case invalid(Reply)
    /// A string `type` with no built-in handler; with no custom handler of that name,
    /// answer ``Reply/unknownType(of:)``.
    case other(typeName: String)
}

extension Request {
    /// What this request asks for.
    ///
    /// A subscribe or unsubscribe with malformed `data`, and a `type` that is not a
    /// string, are ``Command/invalid(_:)`` with their error reply.
    public var command: Command {
        guard let typeName else { return .invalid(.unknownType(of: self)) }
        switch typeName {
        case "ping":
            return .ping(data: data)
        case "subscribe", "unsubscribe":
            let group: Group
            let since: Int64?
            do {
                group = try Group(subscriptionData: data)
                since = try Self.since(in: data)
            } catch {
                return .invalid(.error(error.text, to: self))
            }
            return typeName == "subscribe" ? .subscribe(group, since: since) : .unsubscribe(group)
        default:
            return .other(typeName: typeName)
        }
    }
}

extension Request {
    /// The position a subscribe resumes from: `data.since`, when present.
    ///
    /// - Throws: ``InvalidSubscription`` when `since` is not a non-negative integer.
    static func since(in data: JSONValue?) throws(InvalidSubscription) -> Int64? {
        guard let since = data?["since"] else { return nil }
        guard case .number(let number) = since, number.isInteger, let position = Int64(number.text), position >= 0
        else { throw .sinceNotAPosition }
        return position
    }
}
