import Logging
import Synchronization

/// The relay's one LISTEN connection: waits for NOTIFY, reads the journal after the last
/// position it delivered, and hands each page of events on, in commit order.
///
/// It runs on a connection thread of its own (libpq blocks; see `PostgresConnection`),
/// reconnects with jittered backoff when the connection drops, and after every (re)connect
/// catches up from its last position before delivering anything newer, so nothing
/// committed while it was away is skipped.
public final class Listener: Sendable {
    private let configuration: ListenerConfiguration
    private let logger: Logger
    private let deliver: @Sendable ([JournalEntry]) -> Void
    private let statusChanged: @Sendable (ListenerStatus, _ position: Int64) -> Void
    private let wake = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    private let currentStatus = Atomic<UInt8>(ListenerStatus.connecting.rawValue)
    private let startPosition: Int64?

    /// Creates a listener.
    ///
    /// - Parameters:
    ///   - startPosition: deliver events after this position; nil starts at the newest.
    ///   - deliver: called on the listener's thread with each page of new events.
    ///   - statusChanged: called on the listener's thread when the connection's state changes;
    ///     with `.listening`, the position every event it hands on from then comes after.
    public init(
        configuration: ListenerConfiguration,
        startPosition: Int64? = nil,
        logger: Logger,
        statusChanged: @escaping @Sendable (ListenerStatus, _ position: Int64) -> Void = { _, _ in },
        deliver: @escaping @Sendable ([JournalEntry]) -> Void
    ) {
        self.configuration = configuration
        self.startPosition = startPosition
        self.logger = logger
        self.statusChanged = statusChanged
        self.deliver = deliver
    }

    /// Listens until the task is cancelled or `stop()` is called.
    public func run() async {
        let thread = ListenThread()
        await withTaskCancellationHandler {
            await thread.run(loop)
        } onCancel: {
            stop()
        }
    }

    /// Asks the listener to close its connection and return from `run()`.
    public func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        wake.signal()
    }

    /// Where the connection stands now.
    public var status: ListenerStatus {
        ListenerStatus(rawValue: currentStatus.load(ordering: .acquiring)) ?? .connecting
    }

    private func report(_ status: ListenerStatus, at position: Int64 = 0) {
        currentStatus.store(status.rawValue, ordering: .releasing)
        statusChanged(status, position)
    }

    private var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    private func loop() {
        var machine = ListenerStateMachine(backoff: configuration.backoff)
        var session = Session(position: startPosition)
        var action = machine.start()
        report(.connecting)
        while true {
            if isStopping { action = machine.stopRequested() }
            switch action {
            case .connect:
                do {
                    try session.open(configuration)
                    try catchUp(&session)
                    logger.info(
                        "listening for row changes",
                        metadata: ["pg.channel": "\(configuration.channel)", "pg.position": "\(session.position ?? 0)"])
                    report(.listening, at: session.position ?? 0)
                    action = machine.connected()
                } catch {
                    session.close()
                    action = machine.connectFailed()
                    logger.error("cannot listen: \(error)", metadata: ["pg.retryInMilliseconds": "\(action.delayMilliseconds)"])
                }
            case .listen:
                guard let connection = session.connection else {
                    action = machine.connectionLost()
                    continue
                }
                guard wake.wait(readable: connection.socket) == .readable else { continue }
                do {
                    try connection.consumeInput()
                    try catchUp(&session)
                    guard connection.isHealthy else {
                        throw PostgresError(.connectionLost, "the LISTEN connection is no longer healthy")
                    }
                } catch {
                    session.close()
                    report(.connecting)
                    action = machine.connectionLost()
                    logger.warning(
                        "lost the LISTEN connection, reconnecting: \(error)",
                        metadata: ["pg.retryInMilliseconds": "\(action.delayMilliseconds)"])
                }
            case .reconnect(let delay):
                if wake.wait(timeout: delay) != .signalled {
                    action = machine.backoffElapsed()
                }
            case .stop:
                session.close()
                report(.stopped)
                return
            }
        }
    }

    /// Reads and delivers every event after the session's position, page by page, until a
    /// read comes back short and no notification arrived meanwhile.
    private func catchUp(_ session: inout Session) throws {
        guard let connection = session.connection else { return }
        var pending = true
        while pending {
            _ = connection.takeNotifications()
            let reader = JournalReader(connection: connection)
            let after = try session.position ?? reader.lastPosition()
            session.position = after
            let events = try reader.events(after: after, limit: configuration.pageSize)
            if let last = events.last {
                session.position = last.position
                deliver(events)
            }
            pending = events.count == configuration.pageSize || !connection.takeNotifications().isEmpty
        }
    }
}

extension Listener {
    /// The open connection and the position delivered so far; lives on the listener thread.
    private struct Session {
        var connection: PostgresConnection?
        var position: Int64?

        mutating func open(_ configuration: ListenerConfiguration) throws {
            let connection = try PostgresConnection(
                connectionString: configuration.connectionString,
                applicationName: configuration.applicationName
            )
            try connection.execute("LISTEN \(quotedIdentifier(configuration.channel))")
            self.connection = connection
        }

        mutating func close() {
            connection = nil
        }
    }
}

extension Listener {
    /// The listener's connection thread: the loop runs there as this actor's one job,
    /// blocking in `poll` between notifications (the wake pipe interrupts it to stop).
    private actor ListenThread {
        private let thread = ConnectionThread(name: "rohrpost-listen")

        nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

        deinit {
            thread.stop()
        }

        func run(_ loop: @Sendable () -> Void) {
            loop()
        }
    }
}

/// `name` as a double-quoted SQL identifier.
func quotedIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
