extension LivePage {
    /// `/live.js`: reads the rows of the group `?type=...&id=...` names (`todo` when none)
    /// through the `live_rows` handler, subscribes from the position they are consistent
    /// with, keeps a table row per object id, and polls `/status` every second for the counts.
    static let pageScript = #"""
        "use strict";

        (() => {
          const $ = (id) => document.getElementById(id);
          const query = new URLSearchParams(location.search);
          const data = { type: query.get("type") || "todo" };
          const id = query.get("id");
          if (id !== null) data.id = /^-?\d+$/.test(id) ? Number(id) : id;
          const token = new URLSearchParams(location.hash.slice(1)).get("token") || undefined;
          const scheme = location.protocol === "https:" ? "wss:" : "ws:";
          const url = `${scheme}//${location.host}${document.body.dataset.path}`;

          // The rows come from the `live_rows` handler (a SQL function with --sql-handlers;
          // the demo has one): the group's rows and the journal position they are
          // consistent with. Subscribing with that position as `since` then brings exactly
          // the changes after them. Without the handler the table fills as rows change.
          let subscribed = false;
          let reloading = false;
          let held = [];

          const state = $("connection");
          const client = new RohrpostClient(url, {
            token,
            onState: (name, code) => {
              state.dataset.state = name;
              state.textContent = code === undefined ? name : `${name} (${code}), reconnecting…`;
              if (name === "connected" && !subscribed) load();
            },
          });

          // Fields in name order: loaded rows (jsonb) and events (to_json) order keys differently.
          const describe = (object) =>
            Object.entries(object)
              .filter(([key]) => key !== "id" && key !== "updated_fields")
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
              .join(", ");

          const render = (object, kind, label) => {
            const rowId = `row-${object.id}`;
            let row = $(rowId);
            if (kind === "delete") {
              if (row) row.remove();
              return;
            }
            if (!row) {
              row = document.createElement("tr");
              row.id = rowId;
              row.append(document.createElement("td"), document.createElement("td"), document.createElement("td"));
              row.cells[1].className = "fields";
              $("rows").append(row);
            }
            row.dataset.kind = kind;
            row.cells[0].textContent = object.id;
            row.cells[1].textContent = describe(object);
            row.cells[2].textContent = label;
            // Restart the highlight.
            row.style.animation = "none";
            void row.offsetWidth;
            row.style.animation = "";
          };

          const show = (kind, object, event) => {
            if (reloading) {
              held.push([kind, object, event]);
              return;
            }
            render(object, kind, `${kind} #${event.id}`);
            const entry = document.createElement("li");
            entry.textContent = `#${event.id} ${kind} ${event.data.group} id=${object.id}`;
            $("log").prepend(entry);
            while ($("log").children.length > 15) $("log").lastChild.remove();
          };

          const onSubscribeReply = (reply) => {
            $("group").textContent = reply.error ? `${data.type}: ${reply.error}` : reply.data.group;
            // Events were lost (pruned, or too many while away): read the rows again.
            if (reply.data && reply.data.recovered === false && !reloading) {
              reloading = true;
              held = [];
              load();
            }
          };

          function load() {
            client.request("live_rows", data, (reply) => {
              const snapshot = reply.data && Array.isArray(reply.data.rows) ? reply.data : null;
              if (snapshot) {
                $("rows").replaceChildren();
                for (const object of snapshot.rows) render(object, "loaded", `as loaded (#${snapshot.position})`);
                $("source").textContent =
                  `${snapshot.rows.length} rows as of event #${snapshot.position}, then every change live.`;
              } else {
                $("source").textContent =
                  "No live_rows handler on this relay (see --sql-handlers): rows appear as they change.";
              }
              if (!subscribed) {
                subscribed = true;
                client.subscribe(data, show, onSubscribeReply, snapshot ? snapshot.position : null);
              } else {
                reloading = false;
                const after = snapshot ? snapshot.position : 0;
                for (const [kind, object, event] of held) if (event.id > after) show(kind, object, event);
                held = [];
              }
            });
          }

          let last = null;
          const poll = async () => {
            try {
              const response = await fetch("/status", { cache: "no-store" });
              const status = await response.json();
              for (const key of ["clients", "groups", "subscriptions"]) $(key).textContent = status[key];
              $("events").textContent = status.events_received;
              const now = performance.now();
              if (last) {
                const rate = (status.events_received - last.events) / ((now - last.time) / 1000);
                $("rate").textContent = rate.toFixed(1);
              }
              last = { events: status.events_received, time: now };
            } catch (error) {
              $("rate").textContent = "–";
            }
          };
          poll();
          setInterval(poll, 1000);
        })();

        """#
}
