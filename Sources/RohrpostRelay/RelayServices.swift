import Logging
import NIOCore
import RohrpostPostgres
import RohrpostServer
import ServiceLifecycle

/// A loop that runs until its task is cancelled (the sequencer, retention, the lag
/// sampler), as a service: graceful shutdown cancels it.
struct LoopService: Service {
    let loop: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await loop() }
    }
}

/// The LISTEN connection as a service: graceful shutdown closes it.
struct ListenerService: Service {
    let listener: Listener

    func run() async throws {
        await withGracefulShutdownHandler {
            await listener.run()
        } onGracefulShutdown: {
            listener.stop()
        }
    }
}

/// The query connections as a service: open while the relay runs, closed once everything
/// that queries through them has stopped.
struct QueryPoolService: Service {
    let pool: QueryPool

    func run() async throws {
        try? await gracefulShutdown()
        pool.shutdown()
    }
}

/// The WebSocket server as a service: binds and reports its address through `serving`,
/// accepts clients, and on graceful shutdown (or cancellation) stops accepting and closes
/// every client with 1001, waiting at most `grace` for each.
struct ClientService: Service {
    let server: @Sendable () -> WebSocketServer
    let fanOut: FanOut
    let serving: EventLoopPromise<SocketAddress>
    let grace: Duration
    let logger: Logger

    func run() async throws {
        let channel: any Channel
        do {
            channel = try await server().start()
        } catch {
            serving.fail(error)
            throw error
        }
        serving.succeed(try channel.localAddress ?? SocketAddress(ipAddress: "0.0.0.0", port: 0))
        // Returns on graceful shutdown, throws on cancellation: either way, close.
        try? await gracefulShutdown()
        logger.info("shutting down: closing clients with 1001", metadata: ["shutdown.grace": "\(grace)"])
        try? await channel.close()
        await fanOut.closeAllConnections(with: .goingAway, grace: grace)
    }
}
