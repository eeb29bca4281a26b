import NIOCore
import RohrpostPostgres
import RohrpostProtocol
import RohrpostServer

/// Turns journal entries into the frames each group's subscribers receive, each encoded once.
struct EventEncoder {
    private let allocator = ByteBufferAllocator()

    /// The frames for `entries`, in commit order: row changes and app messages; entries of
    /// an unknown kind are skipped.
    /// With `group`, only the frames for that group.
    func frames(for entries: [JournalEntry], onlyFor group: String? = nil) -> [GroupMessage] {
        var messages: [GroupMessage] = []
        messages.reserveCapacity(entries.count * 2)
        for entry in entries {
            for message in Self.messages(of: entry) where group == nil || message.group == group {
                let frame = OutboundFrame.text(message.text, allocator: allocator)
                messages.append(GroupMessage(group: message.group, frame: frame, position: entry.position))
            }
        }
        return messages
    }

    /// The texts a journal entry sends: a row change's, or a message's from `rohrpost.send`;
    /// none for a kind this relay does not know.
    private static func messages(of entry: JournalEntry) -> [(group: String, text: [UInt8])] {
        if let change = RowChange(entry) { return change.messages() }
        if var message = AppMessage(position: entry.position, kind: entry.kind, object: entry.object, groups: entry.groups) {
            // rohrpost.send stores jsonb, whose text has spaces (`{"a": 1}`); row events
            // are compact. Compacted here, once per entry, before the per-group texts.
            message.object = JSONText.compacted(message.object)
            return message.messages()
        }
        return []
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
