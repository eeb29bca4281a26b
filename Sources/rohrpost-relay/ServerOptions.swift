import ArgumentParser
import Foundation
import RohrpostServer

/// Options of the WebSocket server, for `serve` and `demo`.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on. (default: 127.0.0.1; env: ROHRPOST_HOST)")
    var host: String?

    @Option(help: "TCP port (0 picks a free one). (default: 8000; env: ROHRPOST_PORT)")
    var port: Int?

    @Option(help: "WebSocket path. (default: /ws/rohrpost/; env: ROHRPOST_PATH)")
    var path: String?

    @Option(help: "Largest client message in bytes, fragments included (closes with 1009 past it); at least 1024. (default: 65536; env: ROHRPOST_MAX_MESSAGE_SIZE)")
    var maxMessageSize: Int?

    @Option(help: "Most bytes waiting to be written to one client before it is closed with 1008; at least 65536. (default: 4194304; env: ROHRPOST_MAX_PENDING_BYTES)")
    var maxPendingBytes: Int?

    @Option(help: "How long a custom handler may take before the client is told it timed out (e.g. 10s). (default: 10s; env: ROHRPOST_HANDLER_TIMEOUT)")
    var handlerTimeout: String?

    @Option(help: "Answer a request of type T with the SQL function SCHEMA.T(claims jsonb, data jsonb) RETURNS jsonb when no other handler does. (default: none; env: ROHRPOST_SQL_HANDLERS)")
    var sqlHandlers: String?

    @Option(help: "Groups one connection may be subscribed to. (default: 1000; env: ROHRPOST_MAX_SUBSCRIPTIONS)")
    var maxSubscriptions: Int?

    @Option(help: "Messages per second one connection may send on average (closed with 1008 past it and its burst). (default: 100; env: ROHRPOST_MESSAGES_PER_SECOND)")
    var messagesPerSecond: Int?

    @Option(help: "Messages one connection may send at once above its rate. (default: 500; env: ROHRPOST_MESSAGE_BURST)")
    var messageBurst: Int?

    @Option(help: "Connections served at once; past it new ones get HTTP 503. (default: 100000; env: ROHRPOST_MAX_CONNECTIONS)")
    var maxConnections: Int?

    @Option(help: "Connections one client address may hold; past it new ones get HTTP 503. (default: 1000; env: ROHRPOST_MAX_CONNECTIONS_PER_ADDRESS)")
    var maxConnectionsPerAddress: Int?

    @Option(help: "Time from accepting a connection to its WebSocket upgrade (e.g. 10s). (default: 10s; env: ROHRPOST_HANDSHAKE_TIMEOUT)")
    var handshakeTimeout: String?

    @Option(help: "Time a connection may send nothing before it is closed (e.g. 120s; 0: never). (default: 120s; env: ROHRPOST_IDLE_TIMEOUT)")
    var idleTimeout: String?

    @Option(name: .customLong("allowed-origin"), help: "A browser Origin allowed to connect, e.g. https://app.example.com; repeat for several. (default: any origin; env: ROHRPOST_ALLOWED_ORIGINS, comma-separated)")
    var allowedOrigins: [String] = []

    @Option(name: .customLong("trusted-proxy"), help: "A proxy (address or CIDR block, e.g. 127.0.0.1 or 10.0.0.0/8) whose X-Forwarded-For or Forwarded header names the client, for per-address limits and logs; repeat for several. Headers from anyone else are ignored. (default: none; env: ROHRPOST_TRUSTED_PROXIES, comma-separated)")
    var trustedProxies: [String] = []

    @Option(help: "On SIGTERM or SIGINT, how long to wait for clients to take their 1001 close and for writes in flight before exiting anyway (e.g. 10s). (default: 10s; env: ROHRPOST_SHUTDOWN_GRACE)")
    var shutdownGrace: String?

    @Option(help: "PEM certificate chain to serve wss:// (TLS) with; needs --tls-key-file. (default: none, plain ws://; env: ROHRPOST_TLS_CERTIFICATE_FILE)")
    var tlsCertificateFile: String?

    @Option(help: "PEM private key of --tls-certificate-file. (default: none; env: ROHRPOST_TLS_KEY_FILE)")
    var tlsKeyFile: String?

    static let allowedOriginsName = OptionName("allowed-origin", variables: ["ROHRPOST_ALLOWED_ORIGINS"])
    static let trustedProxiesName = OptionName("trusted-proxy", variables: ["ROHRPOST_TRUSTED_PROXIES"])

    /// The schema of SQL handlers, if any.
    func sqlHandlersSchema(_ environment: OptionEnvironment = OptionEnvironment()) throws -> String? {
        try environment.value(sqlHandlers, "sql-handlers")
    }

    /// How long a graceful shutdown may take. Defaults to 10 s.
    func shutdownGracePeriod(_ environment: OptionEnvironment = OptionEnvironment()) throws -> Duration {
        try environment.duration(shutdownGrace, "shutdown-grace") ?? .seconds(10)
    }

    /// The server configuration these options and the environment describe.
    func configuration(_ environment: OptionEnvironment = OptionEnvironment()) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = try environment.value(host, "host") ?? configuration.host
        if let port = try environment.integer(port, "port", atLeast: 0) {
            guard port <= 65535 else { throw environment.invalid("port", "\(port) is not a TCP port (0-65535)") }
            configuration.port = port
        }
        configuration.path = try environment.value(path, "path") ?? configuration.path
        guard configuration.path.hasPrefix("/") else {
            throw environment.invalid("path", "'\(configuration.path)' must start with '/'")
        }
        let integers: [(Int?, OptionName, Int, WritableKeyPath<ServerConfiguration, Int>)] = [
            (maxMessageSize, "max-message-size", 1024, \.maximumMessageSize),
            (maxPendingBytes, "max-pending-bytes", 65536, \.maximumPendingBytes),
            (maxSubscriptions, "max-subscriptions", 1, \.maximumSubscriptions),
            (messagesPerSecond, "messages-per-second", 1, \.messagesPerSecond),
            (messageBurst, "message-burst", 1, \.messageBurst),
            (maxConnections, "max-connections", 1, \.maximumConnections),
            (maxConnectionsPerAddress, "max-connections-per-address", 1, \.maximumConnectionsPerAddress),
        ]
        for (flag, name, minimum, keyPath) in integers {
            if let value = try environment.integer(flag, name, atLeast: minimum) { configuration[keyPath: keyPath] = value }
        }
        if let timeout = try environment.duration(handlerTimeout, "handler-timeout", allowsZero: false) {
            configuration.handlerTimeout = timeout
        }
        if let timeout = try environment.duration(handshakeTimeout, "handshake-timeout", allowsZero: false) {
            configuration.handshakeTimeout = timeout
        }
        if let timeout = try environment.duration(idleTimeout, "idle-timeout") {
            configuration.idleTimeout = timeout == .zero ? nil : timeout
        }
        let origins = environment.list(allowedOrigins, Self.allowedOriginsName)
        if !origins.isEmpty { configuration.allowedOrigins = Set(origins) }
        configuration.trustedProxies = TrustedProxies(
            try environment.list(trustedProxies, Self.trustedProxiesName).map { text in
                guard let block = CIDRBlock(text) else {
                    throw environment.invalid(
                        Self.trustedProxiesName, "'\(text)' is not an IP address or CIDR block such as 10.0.0.0/8")
                }
                return block
            })
        configuration.tls = try tls(environment)
        return configuration
    }

    /// TLS from the certificate and key files, loaded now so a bad file stops the start.
    private func tls(_ environment: OptionEnvironment) throws -> ServerTLS? {
        let certificate = try environment.value(tlsCertificateFile, "tls-certificate-file")
        let key = try environment.value(tlsKeyFile, "tls-key-file")
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (_?, nil):
            throw environment.invalid("tls-key-file", "is needed with --tls-certificate-file")
        case (nil, _?):
            throw environment.invalid("tls-certificate-file", "is needed with --tls-key-file")
        case let (certificate?, key?):
            do {
                return try ServerTLS(certificateFile: certificate, keyFile: key)
            } catch {
                throw environment.invalid(error.code == .keyFile ? "tls-key-file" : "tls-certificate-file", error.description)
            }
        }
    }
}
