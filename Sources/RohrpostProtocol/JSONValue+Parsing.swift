extension JSONValue {
    /// Parses bytes holding exactly one JSON value (RFC 8259, strict).
    ///
    /// Contiguous collections (`[UInt8]`, `ArraySlice`, a native `String.UTF8View`, NIO's
    /// `ByteBufferView`) are read in place; others are copied once first.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text.
    ///   - maximumDepth: How deeply arrays and objects may nest. Defaults to 512.
    /// - Throws: ``JSONParseError`` at the first byte that breaks the grammar.
    public init(
        parsing bytes: some Collection<UInt8>,
        maximumDepth: Int = JSONValue.defaultMaximumDepth
    ) throws(JSONParseError) {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Self.parse(buffer, maximumDepth: maximumDepth)
        }
        if let result {
            self = try result.get()
        } else {
            self = try Array(bytes).withUnsafeBufferPointer { buffer in
                Self.parse(buffer, maximumDepth: maximumDepth)
            }.get()
        }
    }

    /// Parses raw bytes holding exactly one JSON value (RFC 8259, strict), in place.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text.
    ///   - maximumDepth: How deeply arrays and objects may nest. Defaults to 512.
    /// - Throws: ``JSONParseError`` at the first byte that breaks the grammar.
    public init(
        parsing bytes: UnsafeRawBufferPointer,
        maximumDepth: Int = JSONValue.defaultMaximumDepth
    ) throws(JSONParseError) {
        self = try bytes.withMemoryRebound(to: UInt8.self) { buffer in
            Self.parse(buffer, maximumDepth: maximumDepth)
        }.get()
    }

    private static func parse(
        _ buffer: UnsafeBufferPointer<UInt8>,
        maximumDepth: Int
    ) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes: buffer, maximumDepth: maximumDepth)
        do {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}
