"""The end of a soak: wait until every committed event is numbered and delivered, compare
each client's rebuilt groups and messages with the tables, print what happened and the
verdict."""

import asyncio
import json
import re
import time
from collections import Counter

from .ledger import message_differences, row_differences

DELIVERY_TIMEOUT = 120  # seconds to wait for the last events after the faults stopped
QUIET = 1.5  # seconds without a message that count as "quiet"
SHOWN_PER_KIND = 25  # violations printed per kind (all are counted)
HISTORY_ROWS = 5  # rows named in violations whose journal history is printed

HISTORY = """
SELECT c.position + j.seq - 1 AS position, j.xid::text, j.seq, c.event_count, c.commit_lsn::text, j.kind,
       j.groups, j.left_groups, j.joined_groups, j.object::text
FROM rohrpost.journal j LEFT JOIN rohrpost.commits c ON c.xid = j.xid
WHERE j.table_name LIKE '%%soak_item' AND (j.object->>'id')::bigint = %s
ORDER BY c.position NULLS LAST, j.seq
"""


class Verdict:
    """Collects violations during the run and checks the final state."""

    def __init__(self, postgres):
        self.postgres = postgres
        self.violations = []  # (client name, text)
        self.last_fault = None  # (kind, when), to say what a violation followed

    def note_fault(self, kind):
        self.last_fault = (kind, time.monotonic())

    @property
    def passed(self):
        return not self.violations

    def report(self, client, text):
        if self.last_fault:
            kind, when = self.last_fault
            text += f" [{time.monotonic() - when:.1f} s after {kind}]"
        self.violations.append((client.name, text))

    async def wait_until_delivered(self, clients, say):
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        # Committed but not yet numbered by the sequencer: both capture modes number after
        # commit (trigger capture since sql/0011), so "caught up" means nothing until then.
        while True:
            rows = await self.postgres.query(
                "SELECT count(*) FROM rohrpost.journal j WHERE NOT EXISTS "
                "(SELECT FROM rohrpost.commits c WHERE c.xid = j.xid)")
            if rows[0][0] == 0:
                break
            if time.monotonic() > deadline:
                self.violations.append(("-", f"{rows[0][0]} journal rows still unnumbered "
                                             f"{DELIVERY_TIMEOUT} s after the writes stopped"))
                return
            await asyncio.sleep(0.5)
        while True:
            behind = await self._behind(clients)
            quiet = all(time.monotonic() - c.last_event_at > QUIET for c in clients)
            if not behind and quiet:
                last = (await self.postgres.query("SELECT rohrpost.last_position()"))[0][0]
                say(f"every client caught up (last position {last})")
                return
            if time.monotonic() > deadline:
                for name, group, since, first in behind:
                    self.violations.append((name, f"group {group}: stuck at id {since}, "
                                                  f"the journal has event {first} after it"))
                return
            await asyncio.sleep(0.5)

    async def _behind(self, clients):
        behind = []
        for client in clients:
            for group, ledger in client.ledgers.items():
                rows = await self.postgres.query(
                    "SELECT position FROM rohrpost.read_group_events(%s, %s, 1)",
                    (group, ledger.resume_since()))
                if rows:
                    behind.append((client.name, group, ledger.resume_since(), rows[0][0]))
        return behind

    async def check_final_state(self, clients):
        self.first_position = (await self.postgres.query("SELECT rohrpost.first_position()"))[0][0]
        for client in clients:
            for group, ledger in client.ledgers.items():
                where = "true" if group == "all" else "'grp-' || grp = %s"
                params = None if group == "all" else (group,)
                rows = await self.postgres.query(
                    f"SELECT id, row_to_json(i)::text FROM soak_item i WHERE {where}", params)
                expected = {row_id: json.loads(text) for row_id, text in rows}
                for problem in row_differences(expected, ledger.rows):
                    self.violations.append((client.name, f"group {group}: {problem}"))
                sent = await self.postgres.query("SELECT msg FROM soak_message WHERE grp = %s", (group,))
                for problem in message_differences({msg for (msg,) in sent}, ledger.messages):
                    self.violations.append((client.name, f"group {group}: {problem}"))
        self.histories = {}
        for _, text in self.violations:
            for row_id in re.findall(r"\brow (\d+)", text):
                if len(self.histories) < HISTORY_ROWS and int(row_id) not in self.histories:
                    self.histories[int(row_id)] = await self.postgres.query(HISTORY, (int(row_id),))

    def print_summary(self, args, clients, writers, faults, replicas):
        outcomes, statements = Counter(), Counter()
        for writer in writers:
            outcomes.update(writer.outcomes)
            statements.update(writer.statements)
        recovered = Counter()
        for client in clients:
            recovered.update({"true": client.recovered[True], "false": client.recovered[False]})
        print()
        print(f"transactions: {format_counts(outcomes)}")
        print(f"statements:   {format_counts(statements)}")
        print(f"events received: {sum(c.events for c in clients)} "
              f"({', '.join(f'{c.name} {c.events}' for c in clients)})")
        print(f"faults: {sum(faults.counts.values())} ({format_counts(faults.counts)})")
        for failure in faults.failures:
            print(f"  fault not carried out: {failure}")
        if faults.supervisor_restarts:
            print(f"replicas restarted as a supervisor would (exited at start-up, PostgreSQL unreachable): "
                  f"{faults.supervisor_restarts}")
        print(f"reconnects: {sum(c.reconnects for c in clients)}; resumes: recovered true {recovered['true']}, "
              f"false {recovered['false']}; subscribe errors {sum(c.subscribe_errors for c in clients)}; "
              f"dead sockets dropped by the client {sum(c.silent_aborts for c in clients)}")
        print_relay_log_summary(replicas)
        if self.violations:
            first = getattr(self, "first_position", "?")
            print(f"journal first position at the end: {first} (1: nothing was pruned)")
            if recovered["false"] and first == 1:
                print("recovered: false although the journal held every event after since: the relay "
                      "failed to read the backlog (issue 18 part 1; relay log 'cannot read a backlog')")
            print_violations(self.violations)
            for row_id, history in getattr(self, "histories", {}).items():
                print(f"journal history of row {row_id} (position, xid, seq, event_count, commit_lsn, kind, "
                      f"groups, left_groups, joined_groups, object):")
                for entry in history:
                    print("    " + " | ".join(str(value) for value in entry))
        print(f"VERDICT: {'PASS' if self.passed else 'FAIL'} ({len(self.violations)} violations) "
              f"mode={args.mode} seed={args.seed} duration={args.duration:g}s", flush=True)


def format_counts(counts):
    return ", ".join(f"{key} {value}" for key, value in sorted(counts.items())) or "none"


def violation_kind(text):
    """A violation's kind for grouping: its text without group, ids and rows."""
    detail = text.split(": ", 1)[-1]
    if detail.startswith("row ") and ": expected " in detail:
        if ": expected None" in detail:
            return "row in the client, not in the table"
        return "row in the table, missing in the client" if detail.endswith("got None") else "row differs"
    if " answered recovered: " in detail:
        return "resume answered recovered: " + detail.rsplit(": ", 1)[-1]
    detail = detail.split(" (", 1)[0]
    return " ".join(word for word in detail.split() if not any(ch.isdigit() for ch in word))


def print_violations(violations):
    kinds = {}
    for name, text in violations:
        kinds.setdefault(violation_kind(text), []).append(f"{name} {text}")
    print(f"violations ({len(violations)}):")
    for kind, items in kinds.items():
        print(f"  {len(items)} x {kind}")
        for item in items[:SHOWN_PER_KIND]:
            print(f"    {item}")
        if len(items) > SHOWN_PER_KIND:
            print(f"    ... and {len(items) - SHOWN_PER_KIND} more")


def print_relay_log_summary(replicas):
    """The relays' warnings and errors, counted by message (their logs are JSON lines)."""
    counts = Counter()
    for replica in replicas:
        try:
            with open(replica.log_path, encoding="utf-8", errors="replace") as log:
                for line in log:
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue
                    if entry.get("level") in ("warning", "error", "critical"):
                        counts[f"{entry['level']}: {' '.join(entry.get('message', '').split())[:110]}"] += 1
        except OSError:
            continue
    if counts:
        print("relay log warnings and errors:")
        for text, count in counts.most_common(12):
            print(f"  {count:5d} x {text}")
