import Foundation
import Synchronization

/// Clusters to stop when the test process exits, by directory.
private let runningClusters = Mutex<[String: PostgresCluster]>([:])

extension PostgresCluster {
    /// Registers the exit hook once; `atexit` needs a function that captures nothing.
    private static let exitHook: Void = {
        atexit {
            for cluster in runningClusters.withLock({ Array($0.values) }) {
                cluster.destroy()
            }
        }
    }()

    /// Remembers a started cluster for the exit hook.
    static func register(_ cluster: PostgresCluster) {
        _ = Self.exitHook
        runningClusters.withLock { $0[cluster.directory] = cluster }
    }

    /// Forgets a destroyed cluster.
    static func unregister(_ cluster: PostgresCluster) {
        _ = runningClusters.withLock { $0.removeValue(forKey: cluster.directory) }
    }
}
