extension LivePage {
    /// `/live.js`: subscribes to the group `?type=...&id=...` names (`todo` when none),
    /// keeps a table row per object id, and polls `/status` every second for the counts.
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

          const state = $("connection");
          const client = new RohrpostClient(url, {
            token,
            onState: (name, code) => {
              state.dataset.state = name;
              state.textContent = code === undefined ? name : `${name} (${code}), reconnecting…`;
            },
          });

          const describe = (object) =>
            Object.entries(object)
              .filter(([key]) => key !== "id" && key !== "updated_fields")
              .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
              .join(", ");

          const show = (kind, object, event) => {
            const rowId = `row-${object.id}`;
            let row = $(rowId);
            if (kind === "delete") {
              if (row) row.remove();
            } else {
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
              row.cells[2].textContent = `${kind} #${event.id}`;
              // Restart the highlight.
              row.style.animation = "none";
              void row.offsetWidth;
              row.style.animation = "";
            }
            const entry = document.createElement("li");
            entry.textContent = `#${event.id} ${kind} ${event.data.group} id=${object.id}`;
            $("log").prepend(entry);
            while ($("log").children.length > 15) $("log").lastChild.remove();
          };

          client.subscribe(data, show, (reply) => {
            $("group").textContent = reply.error ? `${data.type}: ${reply.error}` : reply.data.group;
          });

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
