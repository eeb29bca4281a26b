import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import RohrpostProtocol

/// The listening socket: accepts TCP connections, upgrades requests for the rohrpost path
/// to WebSocket, and gives each upgraded connection a `RohrpostConnectionHandler`.
public final class WebSocketServer: Sendable {
    private let configuration: ServerConfiguration
    private let group: any EventLoopGroup
    private let fanOut: FanOut
    private let connectionContext: ConnectionContext
    private let endpoints: HTTPEndpoints
    private let logger: Logger
    private let limits: ConnectionLimits

    /// Creates a server whose connections run on `group` and take their events from `fanOut`;
    /// plain HTTP requests get `endpoints` (`/healthz`, `/readyz`, `/metrics`). `limits`
    /// counts connections (one is made from `configuration` when nil).
    public init(
        configuration: ServerConfiguration,
        group: any EventLoopGroup,
        fanOut: FanOut,
        accessPolicy: any AccessPolicy = OpenAccess(),
        backlogSource: (any BacklogSource)? = nil,
        handlers: HandlerRegistry = HandlerRegistry(),
        endpoints: HTTPEndpoints = HTTPEndpoints(),
        limits: ConnectionLimits? = nil,
        logger: Logger
    ) {
        self.limits =
            limits
            ?? ConnectionLimits(
                total: configuration.maximumConnections, perAddress: configuration.maximumConnectionsPerAddress)
        self.endpoints = endpoints
        self.configuration = configuration
        self.group = group
        self.fanOut = fanOut
        self.connectionContext = ConnectionContext(
            fanOut: fanOut, accessPolicy: accessPolicy, backlogSource: backlogSource,
            handlers: handlers, handlerTimeout: configuration.handlerTimeout,
            maximumCallsInFlight: configuration.maximumCallsInFlight,
            maximumSubscriptions: configuration.maximumSubscriptions,
            messagesPerSecond: configuration.messagesPerSecond, messageBurst: configuration.messageBurst,
            maximumPendingBytes: configuration.maximumPendingBytes, logger: logger)
        self.logger = logger
    }

    /// Binds the socket and starts accepting; returns the bound channel.
    public func start() async throws -> any Channel {
        let configuration = configuration
        let connectionContext = connectionContext
        let endpoints = endpoints
        let limits = limits
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(
                .writeBufferWaterMark,
                value: .init(low: configuration.maximumPendingBytes / 2, high: configuration.maximumPendingBytes)
            )
            .childChannelInitializer { channel in
                guard limits.admitConnection() else {
                    connectionContext.metrics.clientClosed(.limit)
                    return Self.refuse(channel, configuration, "Too many connections; try again later.\n")
                }
                // The client's address is counted once its request names it (behind a
                // trusted proxy); it is released with the socket.
                let counted = NIOLoopBoundBox<IPAddress?>(nil, eventLoop: channel.eventLoop)
                channel.closeFuture.whenComplete { _ in
                    limits.releaseConnection()
                    if let address = counted.value { limits.release(address) }
                }
                // A client that never finishes its handshake does not keep the socket.
                let handshake = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.handshakeTimeout)) {
                    channel.close(promise: nil)
                }
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: configuration.maximumMessageSize,
                    automaticErrorHandling: false,
                    shouldUpgrade: { channel, head in
                        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
                        // A refused origin falls through to HTTPFallbackHandler, which answers 403.
                        guard path == configuration.path,
                            OriginCheck.allows(head.headers.first(name: "Origin"), configuration.allowedOrigins)
                        else { return channel.eventLoop.makeSucceededFuture(nil) }
                        let client = Self.clientAddress(of: channel, head, configuration.trustedProxies)
                        guard limits.admit(client) else {
                            connectionContext.metrics.clientClosed(.limit)
                            connectionContext.logger.debug(
                                "refusing a connection: its address holds the most allowed",
                                metadata: ["client.address": "\(client)"])
                            // HTTPFallbackHandler answers 503 for this.
                            return channel.eventLoop.makeFailedFuture(AddressOverLimit())
                        }
                        counted.value = client
                        return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
                    },
                    upgradePipelineHandler: { channel, _ in
                        handshake.cancel()
                        let client = counted.value
                        return channel.eventLoop.makeCompletedFuture {
                            try Self.configureWebSocket(channel, configuration, connectionContext, client: client)
                        }
                    }
                )
                return channel.eventLoop.makeCompletedFuture {
                    if let tls = configuration.tls { try channel.pipeline.syncOperations.addHandler(tls.makeHandler()) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPFallbackHandler(
                            webSocketPath: configuration.path, allowedOrigins: configuration.allowedOrigins,
                            endpoints: endpoints))
                }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        logger.info(
            "serving rohrpost over WebSocket",
            metadata: [
                "server.address": "\(channel.localAddress.map(String.init(describing:)) ?? "?")",
                "server.path": "\(configuration.path)",
            ])
        return channel
    }

    /// Answers every request on `channel` with 503 and `text`, over TLS when configured.
    private static func refuse(
        _ channel: any Channel, _ configuration: ServerConfiguration, _ text: String
    ) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            if let tls = configuration.tls { try channel.pipeline.syncOperations.addHandler(tls.makeHandler()) }
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(HTTPRefusalHandler(status: .serviceUnavailable, text: text))
        }
    }

    /// The socket's peer, or behind a trusted proxy the client it names.
    private static func clientAddress(
        of channel: any Channel, _ head: HTTPRequestHead, _ trustedProxies: TrustedProxies
    ) -> IPAddress {
        let peer = channel.remoteAddress.flatMap(IPAddress.init) ?? .unspecified
        return trustedProxies.clientAddress(peer: peer, headers: head.headers)
    }

    private static func configureWebSocket(
        _ channel: any Channel, _ configuration: ServerConfiguration, _ context: ConnectionContext,
        client: IPAddress?
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        // Frames are written pre-encoded (one buffer for every subscriber), past the frame
        // encoder the upgrader installs: through a handler at the head of the pipeline, or
        // just behind TLS, which must encrypt them.
        let frameWriter = FrameWriter()
        if let tls = try? pipeline.handler(type: NIOSSLServerHandler.self) {
            try pipeline.addHandler(frameWriter, position: .after(tls))
        } else {
            try pipeline.addHandler(frameWriter, position: .first)
        }
        let frameWriterContext = try pipeline.context(handler: frameWriter)
        let fallback = try pipeline.context(handlerType: HTTPFallbackHandler.self)
        pipeline.removeHandler(context: fallback, promise: nil)
        if let idle = configuration.idleTimeout {
            try pipeline.addHandler(IdleStateHandler(readTimeout: TimeAmount(idle)))
        }
        try pipeline.addHandler(
            NIOWebSocketFrameAggregator(
                minNonFinalFragmentSize: 0,
                maxAccumulatedFrameCount: max(16, configuration.maximumMessageSize / 16),
                maxAccumulatedFrameSize: configuration.maximumMessageSize
            )
        )
        try pipeline.addHandler(RohrpostConnectionHandler(context: context, writer: frameWriterContext, clientAddress: client))
    }
}
