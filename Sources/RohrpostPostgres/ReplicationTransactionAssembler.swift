/// Turns the decoded `pgoutput` stream into committed transactions: keeps the Relation
/// messages it has seen, collects the inserts between Begin and Commit, and hands the whole
/// transaction over at its Commit.
///
/// A value with no I/O; the loop that reads the replication connection feeds it each
/// message. Rolled-back transactions never reach the stream, so they never show up here.
public struct ReplicationTransactionAssembler: Sendable {
    /// Where the stream stands.
    public enum State: Hashable, Sendable {
        /// Between transactions.
        case idle
        /// After a Begin: the transaction and the rows it inserted so far.
        case inTransaction(PgOutputMessage.Begin, inserts: [CommittedInsert])
    }

    /// Where the stream stands.
    public private(set) var state: State = .idle
    /// The tables described so far, by relation id.
    public private(set) var relations: [UInt32: PgOutputRelation] = [:]

    /// Creates an assembler that has seen nothing yet.
    public init() {}

    /// Takes the next message; returns the transaction it completes, if it is a Commit.
    ///
    /// Throws a `PostgresError` when the stream breaks the protocol: a change outside a
    /// transaction, a Begin inside one, or a row of a relation never described.
    public mutating func feed(_ message: PgOutputMessage) throws -> CommittedTransaction? {
        switch message {
        case .relation(let relation):
            relations[relation.id] = relation
        case .begin(let begin):
            guard case .idle = state else { throw violation("Begin of xid \(begin.xid) inside another transaction") }
            state = .inTransaction(begin, inserts: [])
        case .insert(let relationID, let tuple):
            guard case .inTransaction(let begin, var inserts) = state else {
                throw violation("Insert into relation \(relationID) outside a transaction")
            }
            // Let go of the state's copy first, so appending does not copy every row so far.
            state = .idle
            inserts.append(try insert(tuple, into: relationID))
            state = .inTransaction(begin, inserts: inserts)
        case .commit(let commit):
            guard case .inTransaction(let begin, let inserts) = state else {
                throw violation("Commit at \(commit.commitLSN) without a Begin")
            }
            state = .idle
            return CommittedTransaction(
                xid: begin.xid, commitLSN: commit.commitLSN, endLSN: commit.endLSN, commitTime: commit.commitTime,
                inserts: inserts)
        case .update, .delete, .truncate, .origin, .type, .message, .other:
            // A publication with publish = 'insert' sends none of these; anything else is not ours to keep.
            break
        }
        return nil
    }

    private func insert(_ tuple: PgOutputTuple, into relationID: UInt32) throws -> CommittedInsert {
        guard let relation = relations[relationID] else {
            throw violation("Insert into relation \(relationID), which no Relation message described")
        }
        guard relation.columns.count == tuple.values.count else {
            throw violation(
                "Insert into \(relation.qualifiedName) has \(tuple.values.count) values for \(relation.columns.count) columns")
        }
        var columns: [String: String?] = [:]
        columns.reserveCapacity(tuple.values.count)
        for (column, value) in zip(relation.columns, tuple.values) {
            switch value {
            case .null: columns[column.name] = .some(nil)
            case .text(let bytes): columns[column.name] = String(decoding: bytes, as: UTF8.self)
            case .unchanged, .binary:
                throw violation("Insert into \(relation.qualifiedName) has no text value for column \(column.name)")
            }
        }
        return CommittedInsert(relation: relation.qualifiedName, columns: columns)
    }

    private func violation(_ what: String) -> PostgresError {
        PostgresError(.unexpectedResult, "the replication stream broke the pgoutput protocol: \(what)")
    }
}
