/// The SQLSTATE codes the relay tells errors apart by (PostgreSQL's appendix A, plus the
/// one rohrpost's own SQL raises), so that no code matches an error's wording.
public enum SQLState {
    /// `55006` object_in_use: a replication slot another connection streams.
    public static let objectInUse = "55006"
    /// `55000` object_not_in_prerequisite_state: e.g. logical decoding without `wal_level = logical`.
    public static let objectNotInPrerequisiteState = "55000"
    /// `42P01` undefined_table.
    public static let undefinedTable = "42P01"
    /// `42704` undefined_object: e.g. a type that does not exist.
    public static let undefinedObject = "42704"
    /// `42883` undefined_function.
    public static let undefinedFunction = "42883"
    /// `3F000` invalid_schema_name: the schema does not exist.
    public static let invalidSchemaName = "3F000"
    /// `42501` insufficient_privilege.
    public static let insufficientPrivilege = "42501"
    /// `RPNOH`: rohrpost's SQL handler dispatcher has no function for a request type.
    public static let noSQLHandler = "RPNOH"

    /// The codes that say an object of the rohrpost schema is missing (an old or absent `migrate`).
    public static let missingObject: Set<String> = [invalidSchemaName, undefinedFunction, undefinedObject, undefinedTable]
}
