extension LivePage {
    /// The page's HTML; its scripts find the WebSocket at `data-path`.
    static func page(escapedPath: String) -> String {
        #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>rohrpost-relay live</title>
        <link rel="icon" href="data:,">
        <style>
        body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2330; }
        h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
        .muted { color: #667085; }
        #connection[data-state="connected"] { color: #067647; }
        #connection[data-state="disconnected"] { color: #b42318; }
        dl { display: flex; gap: 2rem; margin: 1rem 0; }
        dt { font-size: .8rem; color: #667085; }
        dd { margin: 0; font-size: 1.5rem; font-variant-numeric: tabular-nums; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e4e7ec; vertical-align: top; }
        td.fields { font-family: ui-monospace, monospace; font-size: .85rem; word-break: break-word; }
        tr[data-kind="create"] { animation: create 1.5s; }
        tr[data-kind="update"] { animation: update 1.5s; }
        @keyframes create { from { background: #d1fadf; } }
        @keyframes update { from { background: #fef0c7; } }
        #log { font-family: ui-monospace, monospace; font-size: .8rem; color: #475467; list-style: none; padding: 0; }
        </style>
        </head>
        <body data-path="\#(escapedPath)">
        <h1>rohrpost-relay, live</h1>
        <p class="muted">Rows of group <code id="group">…</code> as PostgreSQL changes them:
        <span id="connection" data-state="connecting">connecting…</span></p>
        <p class="muted" id="source">Reading the rows…</p>
        <dl>
        <div><dt>clients</dt><dd id="clients">–</dd></div>
        <div><dt>groups</dt><dd id="groups">–</dd></div>
        <div><dt>subscriptions</dt><dd id="subscriptions">–</dd></div>
        <div><dt>events/s</dt><dd id="rate">–</dd></div>
        <div><dt>events</dt><dd id="events">–</dd></div>
        </dl>
        <table>
        <thead><tr><th>id</th><th>row</th><th>last change</th></tr></thead>
        <tbody id="rows"></tbody>
        </table>
        <h2 class="muted" style="font-size: 1rem">Recent events</h2>
        <ol id="log"></ol>
        <script type="module" src="/live.js"></script>
        </body>
        </html>

        """#
    }
}
