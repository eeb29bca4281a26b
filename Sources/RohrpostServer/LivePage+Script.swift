extension LivePage {
    /// `/live.js`: reads the rows of the group `?type=...&id=...` names (`todo` when none)
    /// through the `live_rows` handler, subscribes from the position they are consistent
    /// with, keeps a table row per object id, and polls `/status` every second for the counts.
    static let pageScript = #"""
        import RohrpostClient, { groupName } from "/rohrpost.js";

        const $ = (id) => document.getElementById(id);
        const query = new URLSearchParams(location.search);
        const data = { type: query.get("type") || "todo" };
        const id = query.get("id");
        if (id !== null) data.id = /^-?\d+$/.test(id) ? Number(id) : id;
        const token = new URLSearchParams(location.hash.slice(1)).get("token") || undefined;
        const scheme = location.protocol === "https:" ? "wss:" : "ws:";
        const url = `${scheme}//${location.host}${document.body.dataset.path}`;

        const state = $("connection");
        const client = new RohrpostClient(url, { token });
        client.on("open", () => {
          state.dataset.state = "connected";
          state.textContent = "connected";
        });
        client.on("closed", ({ code }) => {
          state.dataset.state = "disconnected";
          state.textContent = `disconnected (${code}), reconnecting…`;
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

        // While the rows are read again, events wait; those after the rows' position apply.
        let reloading = false;
        let held = [];
        const show = (event, eventId) => {
          if (reloading) {
            held.push([event, eventId]);
            return;
          }
          render(event.object, event.type, `${event.type} #${eventId}`);
          const entry = document.createElement("li");
          entry.textContent = `#${eventId} ${event.type} ${event.group} id=${event.object?.id}`;
          $("log").prepend(entry);
          while ($("log").children.length > 15) $("log").lastChild.remove();
        };

        // The rows come from the `live_rows` handler (a SQL function with --sql-handlers;
        // the demo has one): the group's rows and the journal position they are consistent
        // with. Subscribing with that position as `since` then brings exactly the changes
        // after them. Without the handler the table fills as rows change.
        // A database that cannot be reached (or a call that timed out or lost its socket)
        // is tried again; a relay without the handler, or a handler that fails, is not.
        const transient = (error) =>
          /cannot be reached|timed out|Socket was closed/.test(String(error?.message ?? error));
        const load = async () => {
          for (;;) {
            try {
              const snapshot = await client.call("live_rows", data, { timeout: 10000 });
              $("rows").replaceChildren();
              for (const object of snapshot.rows) render(object, "loaded", `as loaded (#${snapshot.position})`);
              $("source").textContent =
                `${snapshot.rows.length} rows as of event #${snapshot.position}, then every change live.`;
              return snapshot.position;
            } catch (error) {
              if (transient(error)) {
                $("source").textContent = `live_rows failed (${error}): trying again…`;
                await new Promise((resolve) => setTimeout(resolve, 1000));
                continue;
              }
              $("source").textContent = String(error).startsWith("Unknown message type")
                ? "No live_rows handler on this relay (see --sql-handlers): rows appear as they change."
                : `live_rows failed (${error}): rows appear as they change.`;
              return null;
            }
          }
        };

        const group = groupName(data);
        client.on(group, (error, event, eventId) => {
          if (!error) show(event, eventId);
        });
        // Events were lost (pruned, or too many while away): read the rows again.
        client.on("not-recovered", async (name) => {
          if (name !== group || reloading) return;
          reloading = true;
          held = [];
          const position = (await load()) ?? 0;
          reloading = false;
          for (const [event, eventId] of held.splice(0)) if (eventId > position) show(event, eventId);
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

        const position = await load();
        try {
          const reply = await client.subscribe(position === null ? data : { ...data, since: position });
          $("group").textContent = reply.group;
        } catch (error) {
          $("group").textContent = `${data.type}: ${error}`;
        }
        """#
}
