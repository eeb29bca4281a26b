import CoreMetrics

/// The server's counters, made once per server from one metrics factory and shared by its
/// event loops. No per-client or per-group labels: their number would grow with traffic.
public struct ServerMetrics: Sendable {
    /// Event frames handed to client connections to write (`rohrpost_frames_sent_total`):
    /// one per subscriber per message, counted once per delivered batch on each loop.
    let framesSent: Counter
    /// Bytes of those frames (`rohrpost_bytes_sent_total`), WebSocket framing included.
    let bytesSent: Counter
    /// Subscribe requests the access policy refused (`rohrpost_auth_refusals_total`).
    public let authRefusals: Counter
    private let clientsClosed: [ClientCloseReason: Counter]

    /// Creates the counters with `factory`. Defaults to swift-metrics' global factory, so
    /// make this after the executable bootstrapped it.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        framesSent = Counter(label: "rohrpost_frames_sent_total", factory: factory)
        bytesSent = Counter(label: "rohrpost_bytes_sent_total", factory: factory)
        authRefusals = Counter(label: "rohrpost_auth_refusals_total", factory: factory)
        var clientsClosed: [ClientCloseReason: Counter] = [:]
        for reason in ClientCloseReason.allCases {
            clientsClosed[reason] = Counter(
                label: "rohrpost_clients_closed_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.clientsClosed = clientsClosed
    }

    /// Counts a client the server closed (`rohrpost_clients_closed_total{reason=...}`).
    public func clientClosed(_ reason: ClientCloseReason) {
        clientsClosed[reason]?.increment()
    }
}

/// Why the server closed a client, the `reason` label of `rohrpost_clients_closed_total`.
public enum ClientCloseReason: String, Sendable, CaseIterable {
    /// It fell more than the pending-bytes limit behind (1008).
    case slow
    /// It broke a limit, such as the message size (1009).
    case limit
    /// Its credentials were refused.
    case auth
    /// A protocol or I/O error.
    case error
}

extension ConnectionContext {
    /// The counters of the server this connection belongs to.
    var metrics: ServerMetrics { fanOut.metrics }
}

extension WebSocketCloseCode {
    /// How a close with this code counts in `rohrpost_clients_closed_total`; nil for
    /// closes that are no verdict on the client (shutdown, answering its own close).
    var countedReason: ClientCloseReason? {
        switch self {
        case .tooSlow: .slow
        case .messageTooBig, .rateLimited, .idle: .limit
        case .tokenExpired, .accessRevoked: .auth
        case .invalidUTF8, .protocolError: .error
        default: nil
        }
    }
}
