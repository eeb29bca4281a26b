/// What a request asks the relay to do, decided by its `type`.
public enum Command: Sendable, Hashable {
    /// `ping`: answer at once with ``Reply/pong(to:)``; needs no token.
    case ping(data: JSONValue?)
    /// `subscribe` to a well-formed group; the access policy decides, then
    /// ``Reply/confirming(_:to:)`` or ``Reply/accessDenied(to:)``.
    case subscribe(Group)
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
            do {
                group = try Group(subscriptionData: data)
            } catch {
                return .invalid(.error(error.text, to: self))
            }
            return typeName == "subscribe" ? .subscribe(group) : .unsubscribe(group)
        default:
            return .other(typeName: typeName)
        }
    }
}
