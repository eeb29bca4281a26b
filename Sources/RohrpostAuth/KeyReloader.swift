import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Reads the key files again on SIGHUP, and when their contents change (checked every
/// `pollInterval`), so keys rotate without a restart. A reload that fails keeps the keys
/// in use and is logged as an error.
public struct KeyReloader: Service {
    private let store: KeyStore
    private let pollInterval: Duration?
    private let logger: Logger

    /// Creates the reloader.
    ///
    /// - Parameters:
    ///   - pollInterval: How often the files are compared with what was loaded; `nil`
    ///     reloads on SIGHUP only. Defaults to 5 s.
    public init(store: KeyStore, pollInterval: Duration? = .seconds(5), logger: Logger) {
        self.store = store
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        let files = store.sources.files
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    for await _ in signals { await reload(because: "SIGHUP") }
                }
                if let pollInterval, !files.isEmpty {
                    tasks.addTask {
                        var seen = Self.contents(of: files)
                        while (try? await Task.sleep(for: pollInterval)) != nil {
                            let now = Self.contents(of: files)
                            if now != seen {
                                seen = now
                                await reload(because: "a key file changed")
                            }
                        }
                    }
                }
                await tasks.waitForAll()
            }
        }
    }

    private func reload(because reason: String) async {
        do {
            let keys = try await store.reload()
            logger.info("JWT keys reloaded", metadata: ["reason": "\(reason)", "jwt.keys": "\(keys.keys.count)"])
        } catch {
            logger.error("JWT keys not reloaded, keeping the previous ones: \(error)", metadata: ["reason": "\(reason)"])
        }
    }

    private static func contents(of files: [String]) -> [Data?] {
        files.map { FileManager.default.contents(atPath: $0) }
    }
}
