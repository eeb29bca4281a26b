import Logging
import RohrpostProtocol

/// What every connection of a server shares: where subscriptions live, who may join
/// what, and the limits.
struct ConnectionContext: Sendable {
    let fanOut: FanOut
    let accessPolicy: any AccessPolicy
    let backlogSource: (any BacklogSource)?
    let handlers: HandlerRegistry
    let handlerTimeout: Duration
    let maximumCallsInFlight: Int
    let maximumSubscriptions: Int
    let messagesPerSecond: Int
    let messageBurst: Int
    let maximumPendingBytes: Int
    let logger: Logger
}
