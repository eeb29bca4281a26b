extension PgOutputMessage {
    /// Decodes one `pgoutput` message (protocol version 1, text values) from an XLogData
    /// payload; throws a `PostgresError` naming the message and field when the bytes are
    /// truncated or do not fit.
    public init(decoding payload: [UInt8]) throws {
        guard let tag = payload.first else {
            throw PostgresError(.unexpectedResult, "malformed pgoutput message: empty payload")
        }
        var reader = ReplicationWireReader(payload, subject: "pgoutput \(Self.name(of: tag)) message", offset: 1)
        switch tag {
        case UInt8(ascii: "B"):
            self = .begin(
                Begin(
                    finalLSN: try reader.lsn("final LSN"),
                    commitTime: try reader.timestamp("commit time"),
                    xid: try reader.uint32("xid")))
        case UInt8(ascii: "C"):
            self = .commit(
                Commit(
                    flags: try reader.uint8("flags"),
                    commitLSN: try reader.lsn("commit LSN"),
                    endLSN: try reader.lsn("end LSN"),
                    commitTime: try reader.timestamp("commit time")))
        case UInt8(ascii: "O"):
            self = .origin(commitLSN: try reader.lsn("origin commit LSN"), name: try reader.string("origin name"))
        case UInt8(ascii: "R"):
            self = .relation(try PgOutputRelation(reading: &reader))
        case UInt8(ascii: "Y"):
            self = .type(oid: try reader.uint32("type OID"), namespace: try reader.string("namespace"), name: try reader.string("type name"))
        case UInt8(ascii: "I"):
            let relationID = try reader.uint32("relation id")
            try Self.expectMarker(UInt8(ascii: "N"), "new-tuple marker 'N'", in: &reader)
            self = .insert(relationID: relationID, new: try PgOutputTuple(reading: &reader))
        case UInt8(ascii: "U"):
            let relationID = try reader.uint32("relation id")
            let old = try Self.oldRow(in: &reader, required: false)
            try Self.expectMarker(UInt8(ascii: "N"), "new-tuple marker 'N'", in: &reader)
            self = .update(relationID: relationID, old: old, new: try PgOutputTuple(reading: &reader))
        case UInt8(ascii: "D"):
            let relationID = try reader.uint32("relation id")
            guard let old = try Self.oldRow(in: &reader, required: true) else { throw reader.malformed("missing old row") }
            self = .delete(relationID: relationID, old: old)
        case UInt8(ascii: "T"):
            let count = try reader.int32("relation count")
            guard count >= 0 else { throw reader.malformed("negative relation count \(count)") }
            let options = try reader.uint8("options")
            var ids: [UInt32] = []
            for index in 0..<Int(count) { ids.append(try reader.uint32("relation id \(index + 1)")) }
            self = .truncate(relationIDs: ids, options: options)
        case UInt8(ascii: "M"):
            let flags = try reader.uint8("flags")
            let lsn = try reader.lsn("message LSN")
            let prefix = try reader.string("prefix")
            let length = try reader.int32("content length")
            self = .message(transactional: flags & 1 != 0, lsn: lsn, prefix: prefix, content: try reader.bytes(Int(length), "content"))
        default:
            self = .other(tag: tag)
            return
        }
        try reader.expectEnd()
    }

    private static func name(of tag: UInt8) -> String {
        let names: [UInt8: String] = [
            UInt8(ascii: "B"): "Begin", UInt8(ascii: "C"): "Commit", UInt8(ascii: "O"): "Origin",
            UInt8(ascii: "R"): "Relation", UInt8(ascii: "Y"): "Type", UInt8(ascii: "I"): "Insert",
            UInt8(ascii: "U"): "Update", UInt8(ascii: "D"): "Delete", UInt8(ascii: "T"): "Truncate",
            UInt8(ascii: "M"): "Message",
        ]
        return names[tag] ?? describeTag(tag)
    }

    private static func expectMarker(_ marker: UInt8, _ field: String, in reader: inout ReplicationWireReader) throws {
        let found = try reader.uint8(field)
        guard found == marker else { throw reader.malformed("expected \(field), found \(describeTag(found))") }
    }

    /// Reads an optional 'K' (key) or 'O' (old row) tuple; leaves any other byte unread.
    private static func oldRow(in reader: inout ReplicationWireReader, required: Bool) throws -> OldRow? {
        var peek = reader
        let marker = try peek.uint8(required ? "old-tuple marker 'K' or 'O'" : "tuple marker")
        switch marker {
        case UInt8(ascii: "K"):
            reader = peek
            return .key(try PgOutputTuple(reading: &reader))
        case UInt8(ascii: "O"):
            reader = peek
            return .row(try PgOutputTuple(reading: &reader))
        default:
            if required { throw peek.malformed("expected old-tuple marker 'K' or 'O', found \(describeTag(marker))") }
            return nil
        }
    }
}
