import NIOCore

/// A request body collected up to a limit: past it the rest is not kept.
struct RequestBody {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    /// Whether more than `limit` bytes arrived.
    private(set) var isTooLarge = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Adds `buffer`; false once the body is larger than the limit.
    mutating func append(_ buffer: ByteBuffer) -> Bool {
        guard !isTooLarge else { return false }
        guard bytes.count + buffer.readableBytes <= limit else {
            isTooLarge = true
            bytes = []
            return false
        }
        bytes.append(contentsOf: buffer.readableBytesView)
        return true
    }
}
