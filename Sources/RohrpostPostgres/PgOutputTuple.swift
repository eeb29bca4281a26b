/// The column values of one row in a `pgoutput` change message (TupleData).
public struct PgOutputTuple: Hashable, Sendable {
    /// The values in the relation's column order.
    public var values: [Value]

    /// Creates a tuple.
    public init(_ values: [Value]) {
        self.values = values
    }

    /// One column value.
    public enum Value: Hashable, Sendable {
        /// 'n': SQL NULL.
        case null
        /// 'u': an unchanged TOASTed value the server did not send (updates only).
        case unchanged
        /// 't': the value in PostgreSQL's text form (UTF-8 bytes).
        case text([UInt8])
        /// 'b': the value in binary form (only with the `binary` option).
        case binary([UInt8])

        /// A text value from a string, for building expected tuples.
        public static func text(_ string: String) -> Value { .text(Array(string.utf8)) }
    }
}

extension PgOutputTuple {
    /// Reads a TupleData: Int16 column count, then per column a kind byte and for 't'
    /// and 'b' an Int32 length and that many bytes.
    init(reading reader: inout ReplicationWireReader) throws {
        let count = try reader.uint16("tuple column count")
        var values: [Value] = []
        values.reserveCapacity(Int(count))
        for column in 0..<Int(count) {
            let kind = try reader.uint8("kind of column \(column + 1)")
            switch kind {
            case UInt8(ascii: "n"): values.append(.null)
            case UInt8(ascii: "u"): values.append(.unchanged)
            case UInt8(ascii: "t"), UInt8(ascii: "b"):
                let length = try reader.int32("length of column \(column + 1)")
                let bytes = try reader.bytes(Int(length), "value of column \(column + 1)")
                values.append(kind == UInt8(ascii: "t") ? .text(bytes) : .binary(bytes))
            default:
                throw reader.malformed("column \(column + 1) has unknown kind \(describeTag(kind))")
            }
        }
        self.values = values
    }
}
