import CLibPQ

/// The libpq keywords every connection of the relay opens with: the user's string or URL
/// first (as `dbname`, which libpq expands), then ours, which win; keepalives notice a
/// dead server whose socket never closes.
enum ConnectionParameters {
    /// The keywords and values for `PQconnectdbParams`, with `extra` (such as
    /// `replication=database`) after the user's string.
    static func list(
        _ connectionString: String, applicationName: String, connectTimeoutSeconds: Int, extra: [(String, String)] = []
    ) -> [(String, String)] {
        [("dbname", connectionString)] + extra + [
            ("application_name", applicationName),
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("keepalives", "1"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
            ("client_encoding", "UTF8"),
        ]
    }

    /// Opens a connection with `parameters` (blocking); nil when libpq is out of memory.
    static func connect(_ parameters: [(String, String)]) -> OpaquePointer? {
        withCStrings(parameters.map(\.0)) { keywords in
            withCStrings(parameters.map(\.1)) { values in PQconnectdbParams(keywords, values, 1) }
        }
    }
}
