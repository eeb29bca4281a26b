import Synchronization

/// The handlers for request types beyond `ping`, `subscribe` and `unsubscribe`: what
/// rohrpost-js's `client.call(name, data)` reaches.
///
/// A handler returns the reply's `data` (nil for none) or throws: a ``HandlerFailure``
/// becomes the reply's `error` as it is; any other error a generic text, so internals never
/// reach clients. A handler that takes longer than the timeout is answered with
/// ``timeoutText``.
public struct HandlerRegistry: Sendable {
    /// Answers one request.
    public typealias Handler = @Sendable (Request, HandlerContext) async throws -> JSONValue?
    /// Answers types with no registered handler (e.g. SQL functions); throws
    /// ``UnknownHandler`` when it has none either.
    public typealias Fallback = @Sendable (_ typeName: String, Request, HandlerContext) async throws -> JSONValue?

    /// The types the relay answers itself; they cannot be registered.
    public static let builtInTypes: Set<String> = ["ping", "subscribe", "unsubscribe"]
    /// The error text of a handler that threw something other than a ``HandlerFailure``.
    public static let internalErrorText = "Internal error while handling the request."
    /// The error text of a handler that did not answer in time.
    public static let timeoutText = "The request timed out."

    private var handlers: [String: Handler] = [:]
    /// Answers types no registered handler has, if set.
    public var fallback: Fallback?

    /// Creates a registry with no handlers.
    public init() {}

    /// Whether any request beyond the built-in types can be answered.
    public var isEmpty: Bool { handlers.isEmpty && fallback == nil }

    /// Registers `handler` for requests of type `name`.
    ///
    /// - Throws: ``HandlerRegistrationError`` when the name is built in or taken.
    public mutating func register(_ name: String, _ handler: @escaping Handler) throws(HandlerRegistrationError) {
        guard !Self.builtInTypes.contains(name), handlers[name] == nil else { throw HandlerRegistrationError(name: name) }
        handlers[name] = handler
    }

    /// The reply to `request` of type `typeName`, given at most `timeout` to produce it.
    public func reply(to request: Request, typeName: String, context: HandlerContext, timeout: Duration) async -> Reply {
        let handler: Handler
        if let registered = handlers[typeName] {
            handler = registered
        } else if let fallback {
            handler = { request, context in try await fallback(typeName, request, context) }
        } else {
            return .unknownType(of: request)
        }
        do {
            let data = try await Self.run(handler, request, context, timeout: timeout)
            return Reply(id: request.id, type: request.type, data: data)
        } catch let failure as HandlerFailure {
            return .error(failure.message, to: request)
        } catch is UnknownHandler {
            return .unknownType(of: request)
        } catch is HandlerTimeout {
            return .error(Self.timeoutText, to: request)
        } catch {
            context.reportInternalError(error)
            return .error(Self.internalErrorText, to: request)
        }
    }

    /// Runs `handler` and returns its answer, or throws ``HandlerTimeout`` after `timeout`
    /// (cancelling the handler): a handler that ignores cancellation cannot hold the reply.
    private static func run(
        _ handler: @escaping Handler, _ request: Request, _ context: HandlerContext, timeout: Duration
    ) async throws -> JSONValue? {
        try await withCheckedThrowingContinuation { continuation in
            let race = AnswerRace(continuation)
            let work = Task {
                do {
                    race.answer(.success(try await handler(request, context)))
                } catch {
                    race.answer(.failure(error))
                }
            }
            race.startTimer(timeout) { work.cancel() }
        }
    }
}

/// Resumes a continuation with whichever comes first, a handler's answer or its timeout.
private final class AnswerRace: Sendable {
    private let state: Mutex<(answered: Bool, timer: Task<Void, Never>?)> = Mutex((false, nil))
    private let continuation: CheckedContinuation<JSONValue?, any Error>

    init(_ continuation: CheckedContinuation<JSONValue?, any Error>) {
        self.continuation = continuation
    }

    /// Resumes with `result` unless something answered first; stops the timer.
    func answer(_ result: Result<JSONValue?, any Error>) {
        let (first, timer) = state.withLock { state in
            defer { state.answered = true }
            return (!state.answered, state.timer)
        }
        guard first else { return }
        timer?.cancel()
        continuation.resume(with: result)
    }

    /// Answers with ``HandlerTimeout`` after `timeout`, then calls `onTimeout`.
    func startTimer(_ timeout: Duration, onTimeout: @escaping @Sendable () -> Void) {
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            let first = state.withLock { state in
                defer { state.answered = true }
                return !state.answered
            }
            guard first else { return }
            continuation.resume(throwing: HandlerTimeout())
            onTimeout()
        }
        let alreadyAnswered = state.withLock { state in
            state.timer = timer
            return state.answered
        }
        if alreadyAnswered { timer.cancel() }
    }
}

/// What a handler knows about the request's sender.
public struct HandlerContext: Sendable {
    /// The request's `auth_jwt`, if any (not verified here).
    public var token: String?
    /// The verified claims of the sender's token, when the relay checks tokens.
    public var claims: JSONValue?
    /// Called with an unexpected error before the client gets the generic text (for logs).
    public var reportInternalError: @Sendable (any Error) -> Void

    /// Creates a context.
    public init(token: String?, claims: JSONValue? = nil, reportInternalError: @escaping @Sendable (any Error) -> Void = { _ in }) {
        self.token = token
        self.claims = claims
        self.reportInternalError = reportInternalError
    }
}

/// An error a handler throws to tell the client what went wrong, in words it may see.
public struct HandlerFailure: Error, Sendable, Hashable {
    /// The reply's `error` text.
    public var message: String

    /// Creates a failure with the text the client gets.
    public init(_ message: String) {
        self.message = message
    }
}

/// Thrown by a fallback that has no handler for the type either.
public struct UnknownHandler: Error, Sendable {
    /// Creates the error.
    public init() {}
}

/// A handler that did not answer within its time.
struct HandlerTimeout: Error {}

/// Registering a handler under a built-in or already registered name.
public struct HandlerRegistrationError: Error, Sendable, CustomStringConvertible {
    /// The name that was registered twice.
    public let name: String

    public var description: String {
        HandlerRegistry.builtInTypes.contains(name)
            ? "cannot register a handler for '\(name)': the relay answers it itself"
            : "a handler for '\(name)' is already registered"
    }
}
