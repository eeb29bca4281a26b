import NIOCore

/// Settings of the WebSocket server.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Defaults to `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// The TCP port; 0 picks a free one. Defaults to 8000.
    public var port: Int = 8000
    /// The path clients connect to. Defaults to `/ws/rohrpost/`, the original rohrpost's route.
    public var path: String = "/ws/rohrpost/"
    /// The largest message a client may send, fragments included; past it the connection
    /// closes with 1009. Defaults to 64 KiB.
    public var maximumMessageSize: Int = 64 * 1024
    /// The most bytes that may wait to be written to one client; past it that client is
    /// closed with 1008 so no one else waits for it. Defaults to 4 MiB.
    public var maximumPendingBytes: Int = 4 * 1024 * 1024
    /// How long a custom handler may take before the client is told it timed out.
    /// Defaults to 10 s.
    public var handlerTimeout: Duration = .seconds(10)
    /// Custom-handler calls one connection may have in flight; past it a call is answered
    /// with an error at once. Defaults to 1,024.
    public var maximumCallsInFlight: Int = 1024
    /// Groups one connection may be subscribed to at once; past it a subscribe is
    /// answered with an error. Defaults to 1,000.
    public var maximumSubscriptions: Int = 1000
    /// Messages per second one connection may send on average; past it (and its burst)
    /// the connection is closed with 1008. Defaults to 100.
    public var messagesPerSecond: Int = 100
    /// Messages one connection may send at once above its rate. Defaults to 500.
    public var messageBurst: Int = 500
    /// Connections the relay serves at once; past it new ones get HTTP 503. Defaults to 100,000.
    public var maximumConnections: Int = 100_000
    /// Connections one client address may hold at once; past it new ones get HTTP 503.
    /// Defaults to 1,000.
    public var maximumConnectionsPerAddress: Int = 1000
    /// Proxies (nginx, a load balancer) whose `X-Forwarded-For` or `Forwarded` header names
    /// the client: its address then counts for the per-address limit and in logs. Headers
    /// from anyone else are ignored. Defaults to none: every client is its socket's peer.
    public var trustedProxies = TrustedProxies()
    /// Time from accepting a connection to its WebSocket upgrade; past it the socket is
    /// closed. Defaults to 10 s.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Time a connection may send nothing (rohrpost-js pings every few seconds) before it
    /// is closed with 1000 "idle timeout"; nil never. Defaults to 120 s.
    public var idleTimeout: Duration? = .seconds(120)
    /// Browser origins allowed to connect (the `Origin` header), e.g.
    /// `https://app.example.com`; nil allows every origin. Requests without `Origin`
    /// (non-browser clients) are always allowed. Defaults to nil.
    public var allowedOrigins: Set<String>? = nil
    /// TLS for `wss://`; nil serves plain `ws://` (behind a proxy that terminates TLS).
    /// Defaults to nil.
    public var tls: ServerTLS? = nil
    /// Event loop threads serving connections. Defaults to the number of cores.
    public var eventLoopThreads: Int = System.coreCount

    /// Creates a configuration with the defaults above.
    public init() {}
}

