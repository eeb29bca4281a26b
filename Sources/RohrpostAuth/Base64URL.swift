import Foundation

/// Decodes unpadded base64url (RFC 4648 §5), as JWTs write their three parts.
/// Returns nil for anything else, padding included.
func base64URLDecoded(_ text: ArraySlice<UInt8>) -> [UInt8]? {
    guard text.count % 4 != 1 else { return nil }
    var standard = [UInt8]()
    standard.reserveCapacity(text.count + 3)
    for byte in text {
        switch byte {
        case UInt8(ascii: "-"): standard.append(UInt8(ascii: "+"))
        case UInt8(ascii: "_"): standard.append(UInt8(ascii: "/"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            standard.append(byte)
        default:
            return nil
        }
    }
    while standard.count % 4 != 0 { standard.append(UInt8(ascii: "=")) }
    return Data(base64Encoded: Data(standard)).map(Array.init)
}
