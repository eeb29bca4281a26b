import NIOHTTP1

/// Where a plain HTTP request (one that did not upgrade to WebSocket) goes.
enum HTTPRoute: Hashable {
    /// `GET /healthz`: the process is alive.
    case health
    /// `GET /readyz`: the server should get traffic.
    case readiness
    /// `GET /metrics`: Prometheus text.
    case metrics
    /// `GET /status`: the status JSON the live page polls.
    case status
    /// `GET /` and the live page's scripts, by path.
    case livePage(String)
    /// `POST` to the publish path.
    case publish
    /// The WebSocket path asked for without an upgrade.
    case webSocketWithoutUpgrade
    /// A known path with a method it does not serve: the publish path takes only POST,
    /// the others only GET and HEAD.
    case methodNotAllowed(allow: String)
    /// Anything else.
    case notFound

    /// The route of a request for `uri` (query ignored) with `method`.
    init(method: HTTPMethod, uri: String, webSocketPath: String, publishPath: String? = nil) {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if let publishPath, path == publishPath {
            self = method == .POST ? .publish : .methodNotAllowed(allow: "POST")
            return
        }
        let route: HTTPRoute
        switch path {
        case webSocketPath: route = .webSocketWithoutUpgrade
        case "/healthz": route = .health
        case "/readyz": route = .readiness
        case "/metrics": route = .metrics
        case "/status": route = .status
        case _ where LivePage.serves(path): route = .livePage(path)
        default: route = .notFound
        }
        let readsOnly = method == .GET || method == .HEAD
        self = readsOnly || route == .notFound || route == .webSocketWithoutUpgrade ? route : .methodNotAllowed(allow: "GET, HEAD")
    }
}
