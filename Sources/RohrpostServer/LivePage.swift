/// The live page: `GET /` shows the rows of one group changing as they change, and the
/// server's status. It is plain HTML with the page's script, an ES module that imports
/// the repository's JavaScript client (clients/js/rohrpost.js, embedded at build time),
/// held here as text so the binary needs no files beside it.
enum LivePage {
    /// One file of the page.
    struct File {
        /// Its `Content-Type`.
        let contentType: String
        /// Its text.
        let text: String
    }

    /// Only the page's own scripts and styles, and connections to its own origin.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Whether `path` names a file of the page.
    static func serves(_ path: String) -> Bool {
        path == "/" || path == "/rohrpost.js" || path == "/live.js"
    }

    /// The file at `path`, with `webSocketPath` written into the page for its client.
    static func file(at path: String, webSocketPath: String) -> File? {
        switch path {
        case "/": File(contentType: "text/html; charset=utf-8", text: html(webSocketPath: webSocketPath))
        case "/rohrpost.js": File(contentType: "text/javascript; charset=utf-8", text: clientScript)
        case "/live.js": File(contentType: "text/javascript; charset=utf-8", text: pageScript)
        default: nil
        }
    }

    /// The page, with `webSocketPath` as an attribute its script reads.
    static func html(webSocketPath: String) -> String {
        page(escapedPath: escapedAttribute(webSocketPath))
    }

    private static func escapedAttribute(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
