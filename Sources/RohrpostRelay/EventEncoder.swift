import NIOCore
import RohrpostPostgres
import RohrpostProtocol
import RohrpostServer

/// Turns journal entries into the frames each group's subscribers receive, each encoded once.
struct EventEncoder {
    private let allocator = ByteBufferAllocator()

    /// The frames for `entries`, in commit order; entries of an unknown kind are skipped.
    /// With `group`, only the frames for that group.
    func frames(for entries: [JournalEntry], onlyFor group: String? = nil) -> [GroupMessage] {
        var messages: [GroupMessage] = []
        messages.reserveCapacity(entries.count * 2)
        for entry in entries {
            guard let change = RowChange(entry) else { continue }
            for message in change.messages() where group == nil || message.group == group {
                let frame = OutboundFrame.text(message.text, allocator: allocator)
                messages.append(GroupMessage(group: message.group, frame: frame, position: entry.position))
            }
        }
        return messages
    }
}

extension RowChange {
    /// The rohrpost view of a journal entry; nil when its kind is not one rohrpost knows.
    init?(_ entry: JournalEntry) {
        guard let kind = ChangeKind(rawValue: entry.kind) else { return nil }
        self.init(
            position: entry.position,
            kind: kind,
            object: entry.object,
            groups: entry.groups,
            updatedFields: entry.updatedFields,
            leftGroups: entry.leftGroups,
            oldObject: entry.oldObject,
            joinedGroups: entry.joinedGroups
        )
    }
}
