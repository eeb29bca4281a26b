import Foundation
import RelayTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Debian's headless `chromium`, run once per page load: it loads a URL, lets the page run
/// for a virtual-time budget, then writes the DOM (and a screenshot) and exits.
///
/// Virtual time runs the page's timers ahead without waiting, but a WebSocket's messages
/// arrive in real time: a load sees the events that arrive in the second or two between
/// the page's subscribe and the dump. Tests therefore keep changing rows while Chromium
/// runs and load again if a run saw too little. (Driving it over the DevTools protocol
/// would wait exactly, at the cost of a protocol client in the tests.)
struct Chromium {
    let executable: String

    /// The installed `chromium`; a clear error (not a skip) when there is none.
    static func installed() throws -> Chromium {
        for directory in ["/usr/bin", "/usr/local/bin", "/snap/bin"] {
            let path = directory + "/chromium"
            if FileManager.default.isExecutableFile(atPath: path) { return Chromium(executable: path) }
        }
        throw LiveRelayError(
            "chromium is not installed, and the live page is tested in it: apt-get install -y chromium (.ci/run installs it)")
    }

    /// Loads `url` and returns the DOM after `budget` of virtual time, saving a screenshot at
    /// `screenshot` if given. Gives up (killing it) after 20 s of real time.
    func dumpDOM(_ url: String, budget: Duration = .seconds(3), screenshot: URL? = nil) async throws -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let domFile = scratch.appendingPathComponent("dom.html")
        let logFile = scratch.appendingPathComponent("stderr.txt")
        // Root needs --no-sandbox; a private profile keeps parallel runs apart.
        let process = try TestProcess(
            [
                executable, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                "--user-data-dir=\(scratch.appendingPathComponent("profile").path)", "--window-size=1000,700",
                "--virtual-time-budget=\(budget.components.seconds * 1000)",
            ] + (screenshot.map { ["--screenshot=\($0.path)"] } ?? []) + ["--dump-dom", url],
            output: domFile.path, errors: logFile.path)
        guard let status = try await process.waitForExit(timeout: .seconds(20)) else {
            process.send(SIGKILL)
            process.waitUntilExit()
            throw LiveRelayError("chromium did not finish loading \(url) within 20 s")
        }
        let dom = (try? String(contentsOf: domFile, encoding: .utf8)) ?? ""
        guard status == 0, !dom.isEmpty else {
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            throw LiveRelayError("chromium exited with \(status) loading \(url):\n\(log.suffix(2000))")
        }
        return dom
    }
}
