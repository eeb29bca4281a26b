import Foundation
import RelayTestSupport
import RohrpostRelay
import Testing

/// The live page at `GET /`: served only when enabled, and showing rows change in a real
/// browser (headless Chromium).
@Suite struct LivePageTests {
    /// The demo's table, groups and `live_rows` handler, as `rohrpost-relay demo` installs them.
    static let demoTable = DemoSchema.sql

    /// The repository's root folder.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The live page as the demo serves it: with the demo's SQL handlers.
    static func demoPage(_ configuration: inout RelayConfiguration) {
        configuration.livePage = true
        configuration.sqlHandlersSchema = DemoSchema.handlerSchema
    }

    @Test func pageAndStatusAre404UnlessEnabled() async throws {
        try await LiveRelay.with { live in
            for path in ["/", "/rohrpost.js", "/live.js", "/status"] {
                let response = try await PlainHTTP.get(path, port: live.port)
                #expect(response.status == 404, "\(path)")
            }
        }
    }

    @Test func pageNamesTheWebSocketPathAndStatusCountsClients() async throws {
        try await LiveRelay.with(configure: { $0.livePage = true }) { live in
            let page = try await PlainHTTP.get("/", port: live.port)
            #expect(page.status == 200)
            #expect(page.body.contains(#"<body data-path="/ws/rohrpost/">"#))
            #expect(page.body.contains(#"<script type="module" src="/live.js"></script>"#))
            #expect(try await PlainHTTP.get("/live.js", port: live.port).body.contains(#"import RohrpostClient, { groupName } from "/rohrpost.js""#))
            let script = try String(contentsOfFile: Self.repository + "/clients/js/rohrpost.js", encoding: .utf8)
            #expect(try await PlainHTTP.get("/rohrpost.js", port: live.port).body == script, "the repository's one JS client")

            let client = try await live.subscriber(#"{"type": "todo"}"#)
            let status = try await PlainHTTP.get("/status", port: live.port)
            #expect(status.status == 200)
            #expect(status.body == #"{"clients":1,"client_addresses":1,"subscriptions":1,"groups":1,"events_received":0,"listening":true}"# + "\n")
            try await client.close()
        }
    }

    /// Opened while nothing changes, the page shows the table's rows at once (from the
    /// demo's `live_rows` handler); without the handler it says it shows only changes.
    @Test(.timeLimit(.minutes(1))) func chromiumShowsTheRowsBeforeAnyChange() async throws {
        let chromium = try Chromium.installed()
        try await LiveRelay.with(configure: Self.demoPage, setUp: Self.demoTable) { live in
            let dom = try await Self.loadedDOM(chromium, "http://127.0.0.1:\(live.port)/")
            for n in 1...5 {
                #expect(
                    dom.range(of: #"<tr id="row-\#(n)" data-kind="loaded"[^>]*><td>\#(n)</td><td class="fields">collection_id: \#(1 + n % 2), done: false, title: "task \#(n)""#, options: .regularExpression) != nil,
                    "row \(n) is shown:\n\(dom)")
            }
            #expect(dom.contains("5 rows as of event #"))
            let collection = try await Self.loadedDOM(chromium, "http://127.0.0.1:\(live.port)/?type=collection&id=1")
            #expect(collection.contains(#"id="row-2""#) && collection.contains(#"id="row-4""#))
            #expect(!collection.contains(#"id="row-1""#), "row 1 is in collection 2")
        }
        try await LiveRelay.with(configure: { $0.livePage = true }, setUp: Self.demoTable) { live in
            let dom = try await Self.loadedDOM(chromium, "http://127.0.0.1:\(live.port)/")
            #expect(dom.contains("No live_rows handler on this relay"))
            #expect(!dom.contains(#"id="row-1""#))
        }
    }

    /// The page's DOM once its `live_rows` call was answered: a load whose dump came first
    /// (the reply arrives in real time, Chromium's clock is virtual) is made again.
    private static func loadedDOM(_ chromium: Chromium, _ url: String) async throws -> String {
        var dom = ""
        for attempt in 1...4 {
            dom = try await chromium.dumpDOM(url)
            if !dom.contains("Reading the rows") { break }
            print("live page, load \(attempt): the rows had not arrived before the dump, loading again")
        }
        return dom
    }

    /// Loads the page in Chromium while rows are created, updated and deleted, and finds each
    /// kind of change in its DOM next to the rows loaded before; saves `.build-artifacts/live-page.png`.
    @Test(.timeLimit(.minutes(1))) func chromiumShowsRowsChangingLive() async throws {
        let chromium = try Chromium.installed()
        try await LiveRelay.with(configure: Self.demoPage, setUp: Self.demoTable) { live in
            let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build-artifacts")
            try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
            let screenshot = artifacts.appendingPathComponent("live-page.png")
            try? FileManager.default.removeItem(at: screenshot)

            var dom = ""
            for attempt in 1...4 {
                // Change rows while Chromium loads the page: each round creates a row,
                // updates row 1 and deletes the row it created.
                let database = live.database
                let writer = Task {
                    var round = 0
                    while !Task.isCancelled {
                        round += 1
                        try await database.executeOffPool(
                            """
                            INSERT INTO public.todo (collection_id, title) VALUES (1, 'created \(round)');
                            UPDATE public.todo SET title = 'changed in the browser test, round \(round)', done = true WHERE id = 1;
                            DELETE FROM public.todo WHERE title = 'created \(round)';
                            """)
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                let loaded: Result<String, any Error>
                do {
                    loaded = .success(try await chromium.dumpDOM("http://127.0.0.1:\(live.port)/", screenshot: screenshot))
                } catch {
                    loaded = .failure(error)
                }
                writer.cancel()
                if case .failure(let error) = await writer.result, !(error is CancellationError) { throw error }
                dom = try loaded.get()
                if Self.showsEveryKind(dom) { break }
                print("live page, load \(attempt): not every kind of change arrived before the dump, loading again")
            }
            #expect(dom.contains(#"data-state="connected""#), "the page connected to the relay")
            #expect(Self.showsEveryKind(dom), "the DOM shows row 1 updated and a row created and deleted:\n\(dom)")
            #expect(dom.contains(#"<dd id="clients">1</dd>"#), "the status shows the page's own connection")
            #expect(dom.contains(#"<tr id="row-2" data-kind="loaded""#), "row 2, never changed, was loaded")
            // The dump can fall between a round's create and its delete (two messages), so
            // what must hold is that each delete the log shows removed its row.
            let deleted = Self.deletedIds(dom)
            #expect(!deleted.isEmpty)
            for id in deleted {
                #expect(!dom.contains(#"<tr id="row-\#(id)""#), "row \(id), deleted in the log, is gone:\n\(dom)")
            }
            #expect(FileManager.default.fileExists(atPath: screenshot.path), "a screenshot at \(screenshot.path)")
        }
    }

    /// The object ids of the `delete` entries in the page's event log.
    private static func deletedIds(_ dom: String) -> [Int] {
        dom.matches(of: /<li>#\d+ delete todo id=(\d+)<\/li>/).compactMap { Int($0.output.1) }
    }

    private static func showsEveryKind(_ dom: String) -> Bool {
        dom.range(of: #"<tr id="row-1" data-kind="update"[^>]*><td>1</td><td class="fields">[^<]*changed in the browser test"#, options: .regularExpression) != nil
            && dom.contains("create todo id=") && dom.contains("delete todo id=")
    }
}
