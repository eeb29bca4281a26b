import CLibPQ

/// The `PGconn` of a `ReplicationConnection`, freed when this goes.
///
/// Only the connection's actor touches it, on the actor's thread.
final class ReplicationHandle {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        PQfinish(pointer)
    }
}
