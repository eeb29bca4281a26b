/// Where a subscribe that carries `since` gets the group's events it missed.
public protocol BacklogSource: Sendable {
    /// Reads the messages for `group` after position `since`.
    ///
    /// `through` is the newest position the connection's loop had delivered when it joined
    /// the group (nil: none yet): nothing up to it comes live any more, so the backlog is
    /// complete only if it reaches it. (A crash can undo logical capture's last numbering
    /// after the loop delivered it; the replayed stream numbers it again with the same ids.)
    ///
    /// A database that cannot be reached is no answer: the source waits until it can read
    /// the journal (the subscribe's reply waits with it), so `.incomplete` always means the
    /// events are gone, never that reading them failed.
    func backlog(for group: String, after since: Int64, through: Int64?) async -> Backlog
}

/// The answer to a resume: every missed message, or word that some are gone.
public enum Backlog: Sendable {
    /// All messages for the group after `since`, in order (possibly none).
    case complete([GroupMessage])
    /// The journal no longer holds all of them (pruned, a capture gap, more than one resume
    /// sends, `since` from another journal), or the relay cannot read its journal at all (a
    /// setup error it logs): the client is subscribed from now on and should reload.
    case incomplete
    /// The relay is stopping before it could read the journal: the connection is closed
    /// with 1001, and the client resumes elsewhere.
    case stopping
}
