/// A table as a `pgoutput` Relation message describes it; later changes name it by `id`.
public struct PgOutputRelation: Hashable, Sendable {
    /// The table's OID, which Insert, Update and Delete messages refer to.
    public var id: UInt32
    /// Its schema (empty for `pg_catalog`).
    public var namespace: String
    /// Its name.
    public var name: String
    /// `pg_class.relreplident`: 'd' default (primary key), 'n' nothing, 'f' full, 'i' index.
    public var replicaIdentity: UInt8
    /// The columns in the order tuples carry their values (generated columns left out).
    public var columns: [Column]

    /// `namespace.name`, as the relay names tables.
    public var qualifiedName: String { namespace.isEmpty ? name : namespace + "." + name }

    /// Creates a relation.
    public init(id: UInt32, namespace: String, name: String, replicaIdentity: UInt8, columns: [Column]) {
        self.id = id
        self.namespace = namespace
        self.name = name
        self.replicaIdentity = replicaIdentity
        self.columns = columns
    }

    /// One column of a relation.
    public struct Column: Hashable, Sendable {
        /// 1 when the column is part of the replica identity key, else 0.
        public var flags: UInt8
        /// The column's name.
        public var name: String
        /// The OID of its data type.
        public var typeOID: UInt32
        /// Its type modifier (`atttypmod`), -1 when there is none.
        public var typmod: Int32

        /// Whether the column is part of the replica identity key.
        public var isKey: Bool { flags & 1 != 0 }

        /// Creates a column.
        public init(flags: UInt8, name: String, typeOID: UInt32, typmod: Int32) {
            self.flags = flags
            self.name = name
            self.typeOID = typeOID
            self.typmod = typmod
        }
    }
}

extension PgOutputRelation {
    /// Reads the fields of a Relation message after its tag.
    init(reading reader: inout ReplicationWireReader) throws {
        id = try reader.uint32("relation id")
        namespace = try reader.string("namespace")
        name = try reader.string("relation name")
        replicaIdentity = try reader.uint8("replica identity")
        let count = try reader.uint16("column count")
        var columns: [Column] = []
        columns.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            columns.append(
                Column(
                    flags: try reader.uint8("flags of column \(index + 1)"),
                    name: try reader.string("name of column \(index + 1)"),
                    typeOID: try reader.uint32("type OID of column \(index + 1)"),
                    typmod: try reader.int32("type modifier of column \(index + 1)")))
        }
        self.columns = columns
    }
}
