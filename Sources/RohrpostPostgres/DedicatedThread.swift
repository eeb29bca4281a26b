import Foundation

/// Runs blocking work that holds no database connection (starting a local PostgreSQL, which
/// waits for initdb and pg_ctl) on a thread of its own and awaits the result, so neither an
/// event loop nor the cooperative pool blocks on it. The relay's connections use
/// `PostgresSession` (see `PostgresConnection`); tests still open throwaway ones here.
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
