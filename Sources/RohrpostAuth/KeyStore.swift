import Synchronization

/// The verification keys in use, replaced whole when their files are read again.
public final class KeyStore: Sendable {
    /// Where the keys come from.
    public let sources: KeySources
    private let current: Mutex<VerificationKeys>

    /// Reads the keys `sources` names.
    ///
    /// - Throws: ``AuthError`` when a key cannot be read or none is usable.
    public init(sources: KeySources) async throws {
        self.sources = sources
        self.current = Mutex(try await VerificationKeys.load(from: sources))
    }

    /// The keys in use now.
    public var keys: VerificationKeys {
        current.withLock { $0 }
    }

    /// Reads the keys again and, if all of them load, uses them from now on; on an error
    /// the previous keys stay in use.
    @discardableResult
    public func reload() async throws -> VerificationKeys {
        let keys = try await VerificationKeys.load(from: sources)
        current.withLock { $0 = keys }
        return keys
    }
}
