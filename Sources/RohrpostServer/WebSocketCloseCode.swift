/// The close codes the relay sends, with the reason text that goes with each.
public struct WebSocketCloseCode: Sendable, Hashable {
    /// The number on the wire.
    public let code: UInt16
    /// The reason sent along, for people reading logs and dev tools.
    public let reason: String

    /// The relay is shutting down; clients reconnect elsewhere (1001).
    public static let goingAway = WebSocketCloseCode(code: 1001, reason: "server shutting down")
    /// The client broke the WebSocket protocol (1002).
    public static let protocolError = WebSocketCloseCode(code: 1002, reason: "protocol error")
    /// A text message was not valid UTF-8 (1007).
    public static let invalidUTF8 = WebSocketCloseCode(code: 1007, reason: "text message is not valid UTF-8")
    /// The client fell too far behind in reading (1008).
    public static let tooSlow = WebSocketCloseCode(code: 1008, reason: "client too slow: send buffer full")
    /// A message was larger than the configured limit (1009).
    public static let messageTooBig = WebSocketCloseCode(code: 1009, reason: "message too big")
    /// The token a subscription was made with has expired (4401); rohrpost-js reconnects
    /// and subscribes again with its current token.
    public static let tokenExpired = WebSocketCloseCode(code: 4401, reason: "token expired")
    /// A newer token no longer allows a group the connection is in (4403).
    public static let accessRevoked = WebSocketCloseCode(code: 4403, reason: "access revoked")
    /// The client sent more messages than its rate allows (1008).
    public static let rateLimited = WebSocketCloseCode(code: 1008, reason: "message rate limit exceeded")
    /// The client sent nothing for the idle timeout (1000); rohrpost-js reconnects.
    public static let idle = WebSocketCloseCode(code: 1000, reason: "idle timeout")
    /// An answer to the client's own close frame (1000).
    public static let normal = WebSocketCloseCode(code: 1000, reason: "")
}
