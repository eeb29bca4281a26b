// A subscribed client for the benchmark scripts: counts every event id it receives, so a
// script can compare them with the journal (issue 21). Run by scripts/lib/delivery-check.bash,
// not by hand:
//
//   node --experimental-websocket scripts/lib/count-events.mjs URL TYPE FIRST LAST IDS-FILE
//
// Subscribes to groups TYPE-FIRST .. TYPE-LAST (`{"type": TYPE, "id": n}`; with --auth none
// the group is TYPE-n) on the relay at URL and prints "ready" once every subscribe was
// answered. On SIGUSR1 it waits until nothing has arrived for QUIET_MS (default 3000), writes
// the ids it received (sorted, one a line) to IDS-FILE, prints one JSON line of counts
// (received, distinct, duplicates: an id twice in one group, outOfOrder: a smaller id after a
// larger one in one group, unexpected: anything but a subscribe reply or an event) and exits.
// A closed connection or a refused subscribe prints why and exits 2 at once. With
// PROGRESS_FILE set it writes the number of events received so far to that file every 10 ms
// (for scripts/capture-cpu, which stops its clock when the client has them all).
import { renameSync, writeFileSync } from "node:fs";

const [url, type, first, last, idsFile] = process.argv.slice(2);
if (!idsFile) {
    console.error("usage: count-events.mjs URL TYPE FIRST LAST IDS-FILE");
    process.exit(2);
}
const quietMs = Number(process.env.QUIET_MS ?? 3000);
const ids = [];
const lastInGroup = new Map();
let duplicates = 0, outOfOrder = 0, unexpected = 0, lastArrival = Date.now();
let waitingReplies = Number(last) - Number(first) + 1;

if (process.env.PROGRESS_FILE) {
    let written = -1;
    setInterval(() => {
        if (ids.length === written) return;
        // Written aside and renamed, so a reader never sees a half-written (empty) file.
        writeFileSync(process.env.PROGRESS_FILE + ".new", String((written = ids.length)));
        renameSync(process.env.PROGRESS_FILE + ".new", process.env.PROGRESS_FILE);
    }, 10);
}

const socket = new WebSocket(url);
socket.onopen = () => {
    for (let n = Number(first); n <= Number(last); n++) {
        socket.send(JSON.stringify({ id: n + 1, type: "subscribe", data: { type, id: n } }));
    }
};
socket.onerror = (event) => {
    console.error(`count-events: WebSocket error on ${url}: ${event.message ?? event.type}`);
    process.exit(2);
};
socket.onclose = (event) => {
    console.error(`count-events: the relay closed the connection (${event.code} ${event.reason})`);
    process.exit(2);
};
socket.onmessage = (event) => {
    lastArrival = Date.now();
    const message = JSON.parse(event.data);
    if (message.type === "subscription-update") {
        ids.push(message.id);
        const previous = lastInGroup.get(message.data.group) ?? -1;
        if (message.id === previous) duplicates++;
        else if (message.id < previous) outOfOrder++;
        else lastInGroup.set(message.data.group, message.id);
    } else if (message.type === "subscribe" && !message.error) {
        if (--waitingReplies === 0) console.log("ready");
    } else if (message.type === "subscribe") {
        console.error(`count-events: subscribe refused: ${event.data}`);
        process.exit(2);
    } else {
        unexpected++;
    }
};

process.on("SIGUSR1", () => {
    const finish = () => {
        if (Date.now() - lastArrival < quietMs) return setTimeout(finish, 100);
        const sorted = Float64Array.from(ids).sort();
        writeFileSync(idsFile, sorted.join("\n") + (sorted.length ? "\n" : ""));
        const distinct = sorted.filter((id, i) => i === 0 || id !== sorted[i - 1]).length;
        console.log(JSON.stringify({ received: ids.length, distinct, duplicates, outOfOrder, unexpected }));
        socket.onclose = null;
        socket.close();
        process.exit(0);
    };
    finish();
});
