/// One request a client sent, with the fields rohrpost reads: parsed, not yet judged.
public struct Request: Sendable, Hashable {
    /// The `id` the client chose, any JSON value; every reply carries it back unchanged.
    public var id: JSONValue
    /// The `type` as sent: a string naming a handler, or any other value (an unknown type).
    public var type: JSONValue
    /// The `auth_jwt` token when present and a string; not validated here.
    public var authJWT: String?
    /// The `data` when present; a `"data": null` member is `.null`, not `nil`.
    public var data: JSONValue?

    /// Creates a request from its fields.
    public init(id: JSONValue, type: JSONValue, authJWT: String? = nil, data: JSONValue? = nil) {
        self.id = id
        self.type = type
        self.authJWT = authJWT
        self.data = data
    }

    /// The `type` if it is a string, else `nil`.
    public var typeName: String? { type.stringValue }
}

extension Request {
    /// Parses the bytes of one text message.
    ///
    /// The checks run in the original rohrpost server's order: empty, JSON, object,
    /// `type`, `id`. Keys other than `id`, `type`, `auth_jwt` and `data` are ignored.
    ///
    /// - Throws: ``MalformedMessage``, whose ``MalformedMessage/reply`` is the answer.
    public init(parsing bytes: some Collection<UInt8>) throws(MalformedMessage) {
        // Only zero bytes is "empty", as `if not text` in Python: whitespace is bad JSON.
        guard !bytes.isEmpty else { throw .empty }
        let message: JSONValue
        do {
            message = try JSONValue(parsing: bytes)
        } catch {
            throw .invalidJSON(error)
        }
        try self.init(message: message)
    }

    /// Parses the bytes of one text message in place, with the same checks as for a
    /// collection of bytes.
    ///
    /// - Throws: ``MalformedMessage``, whose ``MalformedMessage/reply`` is the answer.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(MalformedMessage) {
        let parsed = bytes.withMemoryRebound(to: UInt8.self) { buffer -> Result<Request, MalformedMessage> in
            do throws(MalformedMessage) {
                return .success(try Request(parsing: buffer))
            } catch {
                return .failure(error)
            }
        }
        self = try parsed.get()
    }

    /// Reads a request from an already parsed message.
    ///
    /// - Throws: ``MalformedMessage`` when the message is not an object or lacks `type`
    ///   or `id` (checked in that order).
    public init(message: JSONValue) throws(MalformedMessage) {
        guard message.isObject else { throw .notAnObject }
        guard let type = message["type"] else { throw .missingType }
        guard let id = message["id"] else { throw .missingID }
        self.init(id: id, type: type, authJWT: message["auth_jwt"]?.stringValue, data: message["data"])
    }
}
