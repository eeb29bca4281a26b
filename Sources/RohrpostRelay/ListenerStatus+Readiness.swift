import RohrpostPostgres
import RohrpostServer

extension ListenerStatus {
    /// Whether a relay whose LISTEN connection stands here should get traffic: only when
    /// it is up and caught up, since clients of a relay that is not would miss events.
    var readiness: Readiness {
        switch self {
        case .listening: .ready
        case .connecting: .notReady(reason: "the LISTEN connection to PostgreSQL is down (connecting or waiting to reconnect)")
        case .stopped: .notReady(reason: "the relay is shutting down")
        }
    }
}
