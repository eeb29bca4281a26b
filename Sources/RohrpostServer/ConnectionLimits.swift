import Synchronization

/// Counts open connections, in total and per client address, to refuse new ones past
/// the configured limits. Shared by all event loops.
final class ConnectionLimits: Sendable {
    private let total: Int
    private let perAddress: Int
    private let open = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    init(total: Int, perAddress: Int) {
        self.total = total
        self.perAddress = perAddress
    }

    /// Counts a new connection from `address`; false (and not counted) when over a limit.
    func admit(_ address: String) -> Bool {
        open.withLock { open in
            guard open.total < total, open.byAddress[address, default: 0] < perAddress else { return false }
            open.total += 1
            open.byAddress[address, default: 0] += 1
            return true
        }
    }

    /// Forgets a connection `admit` counted.
    func release(_ address: String) {
        open.withLock { open in
            open.total -= 1
            let remaining = open.byAddress[address, default: 1] - 1
            open.byAddress[address] = remaining > 0 ? remaining : nil
        }
    }
}
