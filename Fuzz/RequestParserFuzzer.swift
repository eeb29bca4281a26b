// libFuzzer target for the request parser. Not part of the package build: scripts/fuzz
// compiles it together with Sources/RohrpostProtocol, with -sanitize=fuzzer,address.
//
// For every input: parsing must not crash, a parsed request must yield a reply that is
// valid JSON, and any JSON value must read back the same after writing it out.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    if let value = try? JSONValue(parsing: bytes) {
        let written = value.encoded()
        guard let reread = try? JSONValue(parsing: written), reread == value else {
            fatalError("JSON does not survive writing and reading: \(String(decoding: written, as: UTF8.self))")
        }
    }
    let reply: Reply
    do {
        let request = try Request(parsing: bytes)
        switch request.command {
        case .ping: reply = .pong(to: request)
        case .subscribe(let group, _), .unsubscribe(let group): reply = .confirming(group, to: request)
        case .invalid(let refusal): reply = refusal
        case .other: reply = .unknownType(of: request)
        }
    } catch {
        reply = error.reply
    }
    guard (try? JSONValue(parsing: reply.encoded())) != nil else {
        fatalError("a reply is not valid JSON: \(String(decoding: reply.encoded(), as: UTF8.self))")
    }
    return 0
}
