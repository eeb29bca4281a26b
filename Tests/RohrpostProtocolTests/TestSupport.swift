import RohrpostProtocol

/// The text a client receives in answer to `message`, from a relay whose access policy
/// allows every subscription.
func answer(_ message: String) -> String {
    let reply: Reply
    do {
        let request = try Request(parsing: Array(message.utf8))
        switch request.command {
        case .ping:
            reply = .pong(to: request)
        case .subscribe(let group, _), .unsubscribe(let group):
            reply = .confirming(group, to: request)
        case .invalid(let refusal):
            reply = refusal
        case .other:
            reply = .unknownType(of: request)
        }
    } catch {
        reply = error.reply
    }
    return text(reply.encoded())
}

/// `bytes` read as UTF-8 text.
func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// `json` parsed and written back as compact JSON text, or the parse error's detail.
func reencoded(_ json: String) -> String {
    do {
        return try JSONValue(parsing: Array(json.utf8)).jsonText
    } catch {
        return "error: \(error.detail)"
    }
}

/// The error parsing `json` gives, or `nil` when it parses.
func parseError(_ json: String) -> JSONParseError? {
    do {
        _ = try JSONValue(parsing: Array(json.utf8))
        return nil
    } catch {
        return error
    }
}
