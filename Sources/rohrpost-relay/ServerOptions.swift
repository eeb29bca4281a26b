import ArgumentParser
import Foundation
import RohrpostServer

/// Options of the WebSocket server, for `serve` and `demo`.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on. Defaults to $ROHRPOST_HOST or 127.0.0.1.")
    var host: String?

    @Option(help: "TCP port (0 picks a free one). Defaults to $ROHRPOST_PORT or 8000.")
    var port: Int?

    @Option(help: "WebSocket path. Defaults to $ROHRPOST_PATH or /ws/rohrpost/.")
    var path: String?

    @Option(help: "Largest client message in bytes, fragments included (closes with 1009 past it). Defaults to 65536.")
    var maxMessageSize: Int?

    @Option(help: "Most bytes waiting to be written to one client before it is closed with 1008. Defaults to 4194304.")
    var maxPendingBytes: Int?

    @Option(help: "Seconds a custom handler may take before the client is told it timed out. Defaults to 10.")
    var handlerTimeout: Int?

    @Option(help: "Answer a request of type T with the SQL function SCHEMA.T(claims jsonb, data jsonb) RETURNS jsonb when no other handler does. Defaults to $ROHRPOST_SQL_HANDLERS or none.")
    var sqlHandlers: String?

    @Option(help: "Groups one connection may be subscribed to. Defaults to 1000.")
    var maxSubscriptions: Int?

    @Option(help: "Messages per second one connection may send on average (closed with 1008 past it and its burst). Defaults to 100.")
    var messagesPerSecond: Int?

    @Option(help: "Messages one connection may send at once above its rate. Defaults to 500.")
    var messageBurst: Int?

    @Option(help: "Connections served at once; past it new ones get HTTP 503. Defaults to 100000.")
    var maxConnections: Int?

    @Option(help: "Connections one client address may hold; past it new ones get HTTP 503. Defaults to 1000.")
    var maxConnectionsPerAddress: Int?

    @Option(help: "Seconds from accepting a connection to its WebSocket upgrade. Defaults to 10.")
    var handshakeTimeout: Int?

    @Option(help: "Seconds a connection may send nothing before it is closed (0: never). Defaults to 120.")
    var idleTimeout: Int?

    @Option(name: .customLong("allowed-origin"), help: "A browser Origin allowed to connect, e.g. https://app.example.com; repeat for several. Defaults to $ROHRPOST_ALLOWED_ORIGINS (comma-separated) or any origin.")
    var allowedOrigins: [String] = []

    /// The schema of SQL handlers, if any.
    var sqlHandlersSchema: String? {
        sqlHandlers ?? ProcessInfo.processInfo.environment["ROHRPOST_SQL_HANDLERS"]
    }

    /// The server configuration these options and the environment describe.
    func configuration() throws -> ServerConfiguration {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.host = host ?? environment["ROHRPOST_HOST"] ?? configuration.host
        if let port = try port ?? environment["ROHRPOST_PORT"].map({ try Self.integer($0, "ROHRPOST_PORT") }) {
            guard (0...65535).contains(port) else { throw ValidationError("--port: \(port) is not a TCP port (0-65535)") }
            configuration.port = port
        }
        configuration.path = path ?? environment["ROHRPOST_PATH"] ?? configuration.path
        guard configuration.path.hasPrefix("/") else {
            throw ValidationError("--path: '\(configuration.path)' must start with '/'")
        }
        if let maxMessageSize {
            guard maxMessageSize >= 1024 else { throw ValidationError("--max-message-size: must be at least 1024") }
            configuration.maximumMessageSize = maxMessageSize
        }
        if let maxPendingBytes {
            guard maxPendingBytes >= 65536 else { throw ValidationError("--max-pending-bytes: must be at least 65536") }
            configuration.maximumPendingBytes = maxPendingBytes
        }
        try apply(maxSubscriptions, "--max-subscriptions", to: &configuration.maximumSubscriptions)
        try apply(messagesPerSecond, "--messages-per-second", to: &configuration.messagesPerSecond)
        try apply(messageBurst, "--message-burst", to: &configuration.messageBurst)
        try apply(maxConnections, "--max-connections", to: &configuration.maximumConnections)
        try apply(maxConnectionsPerAddress, "--max-connections-per-address", to: &configuration.maximumConnectionsPerAddress)
        if let handshakeTimeout {
            guard handshakeTimeout > 0 else { throw ValidationError("--handshake-timeout: must be at least 1 second") }
            configuration.handshakeTimeout = .seconds(handshakeTimeout)
        }
        if let idleTimeout {
            guard idleTimeout >= 0 else { throw ValidationError("--idle-timeout: must not be negative") }
            configuration.idleTimeout = idleTimeout == 0 ? nil : .seconds(idleTimeout)
        }
        let origins = allowedOrigins.isEmpty
            ? (ProcessInfo.processInfo.environment["ROHRPOST_ALLOWED_ORIGINS"]?.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces) } ?? [])
            : allowedOrigins
        if !origins.isEmpty { configuration.allowedOrigins = Set(origins) }
        if let handlerTimeout {
            guard handlerTimeout > 0 else { throw ValidationError("--handler-timeout: must be at least 1 second") }
            configuration.handlerTimeout = .seconds(handlerTimeout)
        }
        return configuration
    }

    /// Sets `target` to `value` when given, which must be at least 1.
    private func apply(_ value: Int?, _ option: String, to target: inout Int) throws {
        guard let value else { return }
        guard value >= 1 else { throw ValidationError("\(option): must be at least 1") }
        target = value
    }

    private static func integer(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text) else { throw ValidationError("\(name): '\(text)' is not a number") }
        return value
    }
}
