/// What the load generator reads from one text message of the relay (or the blaster).
///
/// Messages are matched by the compact shape the relay writes:
/// `{"id":<n>,"type":"<type>",...}`; anything else is `.other`, which a client counts as
/// unexpected (rohrpost-js treats unasked messages as errors).
enum ServerMessage: Equatable {
    /// A `subscription-update`: the event id, and the row's `seq` and `written_at_us`.
    case event(id: Int64, seq: Int64, writtenAtMicros: Int64)
    /// A subscribe reply naming group `bench-<group>`.
    case subscribed(id: Int64, group: Int64)
    /// A subscribe reply with an `error`, or a group name of another shape.
    case refused(id: Int64)
    /// A `pong`; the load generator pings with its send time (µs) as the id.
    case pong(id: Int64)
    /// Anything else.
    case other

    private static let idKey = Array(#"{"id":"#.utf8)
    private static let typeKey = Array(#","type":""#.utf8)
    private static let update = Array("subscription-update".utf8)
    private static let subscribe = Array("subscribe".utf8)
    private static let pong = Array("pong".utf8)
    private static let seqKey = Array(#""seq":"#.utf8)
    private static let writtenKey = Array(#""written_at_us":"#.utf8)
    private static let errorKey = Array(#""error""#.utf8)
    private static let groupKey = Array(#""group":"bench-"#.utf8)

    /// Reads the message in `bytes`.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ServerMessage {
        guard bytes.count > idKey.count, bytes.starts(with: idKey),
            let (id, afterID) = ByteScanning.integer(in: bytes, at: idKey.count),
            bytes.count > afterID + typeKey.count,
            UnsafeRawBufferPointer(rebasing: bytes[afterID..<(afterID + typeKey.count)]).elementsEqual(typeKey)
        else { return .other }
        let typeStart = afterID + typeKey.count
        var typeEnd = typeStart
        while typeEnd < bytes.count && bytes[typeEnd] != UInt8(ascii: "\"") { typeEnd += 1 }
        let type = UnsafeRawBufferPointer(rebasing: bytes[typeStart..<typeEnd])
        if type.elementsEqual(update) {
            guard let seq = ByteScanning.integer(after: seqKey, in: bytes, from: typeEnd),
                let written = ByteScanning.integer(after: writtenKey, in: bytes, from: typeEnd)
            else { return .other }
            return .event(id: id, seq: seq, writtenAtMicros: written)
        }
        if type.elementsEqual(subscribe) {
            if ByteScanning.end(of: errorKey, in: bytes, from: typeEnd) != nil { return .refused(id: id) }
            guard let group = ByteScanning.integer(after: groupKey, in: bytes, from: typeEnd) else { return .refused(id: id) }
            return .subscribed(id: id, group: group)
        }
        if type.elementsEqual(pong) { return .pong(id: id) }
        return .other
    }
}
