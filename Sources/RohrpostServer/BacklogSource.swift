/// Where a subscribe that carries `since` gets the group's events it missed.
public protocol BacklogSource: Sendable {
    /// Reads the messages for `group` after position `since` and calls `completion` with
    /// them, on any thread.
    func backlog(for group: String, after since: Int64, completion: @escaping @Sendable (Backlog) -> Void)
}

/// The answer to a resume: every missed message, or word that some are gone.
public enum Backlog: Sendable {
    /// All messages for the group after `since`, in order (possibly none).
    case complete([GroupMessage])
    /// The journal no longer holds all of them (or could not be read): the client is
    /// subscribed from now on and should reload.
    case incomplete
}
