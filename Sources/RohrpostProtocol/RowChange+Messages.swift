extension RowChange {
    /// The event messages this change sends, one per group, each the full text of
    /// `{"id":<position>,"type":"subscription-update","data":{"type":"<kind>","group":"<group>","object":<object>}}`.
    ///
    /// In order: `delete` with ``oldObject`` for each of ``leftGroups``, ``kind`` for each
    /// of ``groups``, then `create` for each of ``joinedGroups``. An `update` message's
    /// object gets ``updatedFields`` as `updated_fields`; the `create` of a joined group
    /// does not. Each text is built once, to be written unchanged to every subscriber.
    public func messages() -> [(group: String, text: [UInt8])] {
        var messages: [(group: String, text: [UInt8])] = []
        messages.reserveCapacity(leftGroups.count + groups.count + joinedGroups.count)
        let position = Array(String(self.position).utf8)
        func append(_ kind: ChangeKind, to groups: [String], object: [UInt8]) {
            for group in groups {
                let text = Self.message(position: position, kind: kind, group: group, object: object)
                messages.append((group: group, text: text))
            }
        }

        if !leftGroups.isEmpty {
            // Without the old row, the current one is the best a left group can get.
            append(.delete, to: leftGroups, object: Array((oldObject ?? object).utf8))
        }
        if !groups.isEmpty {
            let main: [UInt8]
            if kind == .update, let updatedFields {
                main = Self.splicing(updatedFields: updatedFields, into: object)
            } else {
                main = Array(object.utf8)
            }
            append(kind, to: groups, object: main)
        }
        if !joinedGroups.isEmpty {
            append(.create, to: joinedGroups, object: Array(object.utf8))
        }
        return messages
    }

    /// The text of one event message.
    static func message(position: [UInt8], kind: ChangeKind, group: String, object: [UInt8]) -> [UInt8] {
        subscriptionUpdate(position: position, type: kind.jsonText, group: group, object: object)
    }

    /// `{"id":<position>,"type":"subscription-update","data":{"type":<type>,"group":<group>,"object":<object>}}`,
    /// with `type` already JSON text.
    static func subscriptionUpdate(position: [UInt8], type: [UInt8], group: String, object: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(80 + position.count + group.utf8.count + object.count)
        bytes.append(contentsOf: #"{"id":"#.utf8)
        bytes.append(contentsOf: position)
        bytes.append(contentsOf: #","type":"subscription-update","data":{"type":"#.utf8)
        bytes.append(contentsOf: type)
        bytes.append(contentsOf: #","group":"#.utf8)
        bytes.appendJSONString(group)
        bytes.append(contentsOf: #","object":"#.utf8)
        bytes.append(contentsOf: object)
        bytes.append(contentsOf: "}}".utf8)
        return bytes
    }

    /// `object` with `"updated_fields":[...]` added as its last member.
    ///
    /// The member goes right after the last value, so `{ "a" : 1 }` becomes
    /// `{ "a" : 1,"updated_fields":["a"] }` and `{}` becomes `{"updated_fields":["a"]}`.
    /// Text that does not end in `}` is not an object and is returned unchanged.
    static func splicing(updatedFields: [String], into object: String) -> [UInt8] {
        let bytes = Array(object.utf8)
        guard let close = bytes.lastIndex(where: { !ASCII.isWhitespace($0) }),
            bytes[close] == ASCII.closeBrace,
            let lastContent = bytes[..<close].lastIndex(where: { !ASCII.isWhitespace($0) })
        else { return bytes }
        let insertion = lastContent + 1
        var spliced: [UInt8] = []
        spliced.reserveCapacity(bytes.count + 24 + updatedFields.reduce(0) { $0 + $1.utf8.count + 3 })
        spliced.append(contentsOf: bytes[..<insertion])
        if bytes[lastContent] != ASCII.openBrace {
            spliced.append(ASCII.comma)
        }
        spliced.append(contentsOf: #""updated_fields":["#.utf8)
        for (index, field) in updatedFields.enumerated() {
            if index > 0 { spliced.append(ASCII.comma) }
            spliced.appendJSONString(field)
        }
        spliced.append(ASCII.closeBracket)
        spliced.append(contentsOf: bytes[insertion...])
        return spliced
    }
}

extension ChangeKind {
    private static let createText = Array(#""create""#.utf8)
    private static let updateText = Array(#""update""#.utf8)
    private static let deleteText = Array(#""delete""#.utf8)

    /// The kind as a JSON string (`"create"`, ...), made once rather than per message.
    var jsonText: [UInt8] {
        switch self {
        case .create: Self.createText
        case .update: Self.updateText
        case .delete: Self.deleteText
        }
    }
}
