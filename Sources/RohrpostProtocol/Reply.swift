/// One message the relay sends in answer to a request.
///
/// Encoded with its members in the order `id`, `type`, `data`, `error`, leaving out those
/// that are `nil`. A reply has `data` or `error`, not both.
public struct Reply: Sendable, Hashable {
    /// The request's `id`, unchanged; `nil` for a malformed message.
    public var id: JSONValue?
    /// The request's `type` (or `pong`); `nil` for a malformed message.
    public var type: JSONValue?
    /// The result, for a success.
    public var data: JSONValue?
    /// What went wrong, for a failure.
    public var error: String?

    /// Creates a reply from its members.
    public init(id: JSONValue? = nil, type: JSONValue? = nil, data: JSONValue? = nil, error: String? = nil) {
        self.id = id
        self.type = type
        self.data = data
        self.error = error
    }

    /// The reply as compact JSON text in UTF-8, ready for a text frame.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + (error?.utf8.count ?? 0))
        bytes.append(ASCII.openBrace)
        var needsComma = false
        func appendKey(_ key: StaticString) {
            if needsComma { bytes.append(ASCII.comma) }
            needsComma = true
            bytes.append(ASCII.quote)
            bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            bytes.append(ASCII.quote)
            bytes.append(ASCII.colon)
        }
        if let id {
            appendKey("id")
            id.encode(into: &bytes)
        }
        if let type {
            appendKey("type")
            type.encode(into: &bytes)
        }
        if let data {
            appendKey("data")
            data.encode(into: &bytes)
        }
        if let error {
            appendKey("error")
            bytes.appendJSONString(error)
        }
        bytes.append(ASCII.closeBrace)
        return bytes
    }

    /// The reply as compact JSON text.
    public var jsonText: String {
        String(decoding: encoded(), as: UTF8.self)
    }
}
