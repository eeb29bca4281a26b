/// The browser `Origin` allow-list: off unless configured.
enum OriginCheck {
    /// Whether a request with `origin` may connect. Without a list every origin may; a
    /// request without `Origin` (not from a browser) always may, since only browsers send
    /// it and only browsers need protecting from other sites' pages.
    static func allows(_ origin: String?, _ allowed: Set<String>?) -> Bool {
        guard let allowed, let origin else { return true }
        return allowed.contains(origin)
    }
}
