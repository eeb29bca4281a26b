import Synchronization

/// Counts open connections, in total and per client address, to refuse new ones past
/// the configured limits. Shared by all event loops.
///
/// The total is counted when a socket is accepted; the address when its WebSocket
/// request arrives, since behind a proxy the client's address is only known from the
/// request's headers.
public final class ConnectionLimits: Sendable {
    private let total: Int
    private let perAddress: Int
    private let open = Mutex<(total: Int, byAddress: [IPAddress: Int])>((0, [:]))

    /// Limits to `total` connections and `perAddress` per client address.
    public init(total: Int, perAddress: Int) {
        self.total = total
        self.perAddress = perAddress
    }

    /// Client addresses that hold at least one upgraded connection.
    public var distinctAddresses: Int {
        open.withLock { $0.byAddress.count }
    }

    /// Counts a newly accepted socket; false (and not counted) when the server is full.
    func admitConnection() -> Bool {
        open.withLock { open in
            guard open.total < total else { return false }
            open.total += 1
            return true
        }
    }

    /// Forgets a socket `admitConnection` counted.
    func releaseConnection() {
        open.withLock { $0.total -= 1 }
    }

    /// Counts a connection of `address`; false (and not counted) when it holds its limit.
    func admit(_ address: IPAddress) -> Bool {
        open.withLock { open in
            guard open.byAddress[address, default: 0] < perAddress else { return false }
            open.byAddress[address, default: 0] += 1
            return true
        }
    }

    /// Forgets a connection of `address` that `admit` counted.
    func release(_ address: IPAddress) {
        open.withLock { open in
            let remaining = open.byAddress[address, default: 1] - 1
            open.byAddress[address] = remaining > 0 ? remaining : nil
        }
    }
}

/// Why the WebSocket upgrader refused a request: its client address holds its limit.
struct AddressOverLimit: Error {}
