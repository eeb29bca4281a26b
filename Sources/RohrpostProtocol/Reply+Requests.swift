extension Reply {
    /// The answer to a ping: `{"id":<id>,"type":"pong"}` with the request's `data`.
    ///
    /// An object `data` comes back as it is (`{}` included); any other value, `null`
    /// included, comes back wrapped as `{"data":<value>}`, as the original rohrpost does.
    /// No `data` in, no `data` out.
    public static func pong(to request: Request) -> Reply {
        let data: JSONValue?
        switch request.data {
        case .none:
            data = nil
        case .some(.object(let members)):
            data = .object(members)
        case .some(let other):
            data = .object([JSONValue.Member(key: "data", value: other)])
        }
        return Reply(id: request.id, type: "pong", data: data)
    }

    /// The success answer to a subscribe or unsubscribe:
    /// `{"id":<id>,"type":"subscribe","data":{"group":"<name>"}}`.
    ///
    /// A subscribe that resumed from `since` also says whether its backlog was complete:
    /// `{"group":"collection-5","recovered":true}`; a subscribe with `position` says after
    /// which position the subscription delivers every event: `{"group":"g","position":1234}`.
    public static func confirming(_ group: Group, recovered: Bool? = nil, position: Int64? = nil, to request: Request) -> Reply {
        var members = [JSONValue.Member(key: "group", value: .string(group.name))]
        if let recovered {
            members.append(JSONValue.Member(key: "recovered", value: .bool(recovered)))
        }
        if let position {
            members.append(JSONValue.Member(key: "position", value: .number(JSONNumber(position))))
        }
        return Reply(id: request.id, type: request.type, data: .object(members))
    }

    /// The refusal for lack of rights: `{"id":<id>,"type":"<type>","error":"ACCESS_DENIED"}`.
    ///
    /// It never says whether the group exists.
    public static func accessDenied(to request: Request) -> Reply {
        error("ACCESS_DENIED", to: request)
    }

    /// The answer to a request whose `type` has no handler:
    /// `"error":"Unknown message type '<type>'."`, with a non-string type as its JSON text.
    public static func unknownType(of request: Request) -> Reply {
        let name = request.typeName ?? request.type.jsonText
        return error("Unknown message type '\(name)'.", to: request)
    }

    /// An error answer carrying the request's `id` and `type`.
    public static func error(_ text: String, to request: Request) -> Reply {
        Reply(id: request.id, type: request.type, error: text)
    }
}
