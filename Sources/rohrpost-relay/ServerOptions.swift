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
        if let handlerTimeout {
            guard handlerTimeout > 0 else { throw ValidationError("--handler-timeout: must be at least 1 second") }
            configuration.handlerTimeout = .seconds(handlerTimeout)
        }
        return configuration
    }

    private static func integer(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text) else { throw ValidationError("\(name): '\(text)' is not a number") }
        return value
    }
}
