/// `POST <path>`: where services that do not talk to the database publish messages. The
/// server collects the body (up to `maximumBodySize`) and hands it, with the request's
/// `Authorization` header, to `handle`, whose answer it sends as JSON.
public struct PublishEndpoint: Sendable {
    /// The request path, e.g. `/publish`.
    public var path: String
    /// The largest body accepted; a larger one is answered 413 without reading it all.
    public var maximumBodySize: Int
    /// Answers one request: its `Authorization` header (nil when absent) and its body.
    public var handle: @Sendable (_ authorization: String?, _ body: [UInt8]) async -> PublishAnswer

    /// Creates the endpoint.
    public init(
        path: String, maximumBodySize: Int,
        handle: @escaping @Sendable (_ authorization: String?, _ body: [UInt8]) async -> PublishAnswer
    ) {
        self.path = path
        self.maximumBodySize = maximumBodySize
        self.handle = handle
    }
}

/// The answer to a publish request: an HTTP status and a JSON body.
public struct PublishAnswer: Sendable, Hashable {
    /// The HTTP status code: 200, or a 4xx or 5xx naming what was wrong.
    public var status: Int
    /// A JSON object: `{"id": ...}` or `{"error": "..."}`.
    public var json: String

    /// Creates an answer.
    public init(status: Int, json: String) {
        self.status = status
        self.json = json
    }
}
