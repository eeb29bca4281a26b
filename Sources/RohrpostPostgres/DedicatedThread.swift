import Foundation

/// Runs blocking work (libpq calls) on a thread of its own and awaits the result, so
/// neither an event loop nor the cooperative pool ever blocks on the database.
public func onDedicatedThread<Value: Sendable>(
    name: String = "rohrpost-postgres",
    _ body: @escaping @Sendable () throws -> Value
) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Swift.Result { try body() })
        }
        thread.name = name
        thread.start()
    }
}
