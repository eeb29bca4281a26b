"""What one client knows about one group: the rows rebuilt from its events, the last event
id, the app messages it got. Pure values: no sockets, no database."""

from collections import Counter

MESSAGE_TYPE = "note"


class GroupLedger:
    """One client's view of one group, rebuilt from the events it received."""

    def __init__(self, group):
        self.group = group
        self.rows = {}  # row id -> the row as the last event carried it
        self.last_id = None  # id of the last event received in this group
        self.position = None  # `position` of a fresh subscribe's reply, when the relay sends it
        self.messages = Counter()  # rohrpost.send msg -> times received
        self.events = 0

    def resume_since(self):
        """Where a resume of this group starts: the larger of its last event id and the
        position its fresh subscription started at. With neither, 0: the soak's clients
        subscribe before the first write, so everything after 0 is exactly what they lack."""
        known = [value for value in (self.last_id, self.position) if value is not None]
        return max(known) if known else 0

    def apply(self, event_id, data):
        """Applies one `subscription-update`; returns what was wrong with it (strings)."""
        problems = []
        self.events += 1
        if not isinstance(event_id, int):
            return [f"event id {event_id!r} is not an integer"]
        if self.last_id is not None and event_id <= self.last_id:
            problems.append(f"id {event_id} after {self.last_id}: ids must strictly increase")
        self.last_id = event_id if self.last_id is None else max(self.last_id, event_id)
        kind, obj = data.get("type"), data.get("object")
        if kind == MESSAGE_TYPE:
            msg = obj.get("msg") if isinstance(obj, dict) else None
            if not isinstance(msg, int):
                return problems + [f"event {event_id}: message without an integer msg: {obj!r}"]
            self.messages[msg] += 1
            return problems
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), int):
            return problems + [f"event {event_id}: {kind} without a row id: {obj!r}"]
        row_id = obj["id"]
        row = {key: value for key, value in obj.items() if key != "updated_fields"}
        if kind == "create":
            if row_id in self.rows:
                problems.append(f"event {event_id}: create of row {row_id} it already has "
                                f"(had {self.rows[row_id]}, got {row})")
            self.rows[row_id] = row
        elif kind == "update":
            if row_id not in self.rows:
                problems.append(f"event {event_id}: update of row {row_id} it never saw (got {row})")
            self.rows[row_id] = row
        elif kind == "delete":
            if row_id not in self.rows:
                problems.append(f"event {event_id}: delete of row {row_id} it never saw (got {row})")
            self.rows.pop(row_id, None)
        else:
            problems.append(f"event {event_id}: unknown event type {kind!r}")
        return problems


def row_differences(expected, got):
    """What differs between the table's rows of a group (id -> row) and a client's."""
    problems = []
    for row_id in sorted(expected.keys() | got.keys()):
        want, have = expected.get(row_id), got.get(row_id)
        if want != have:
            problems.append(f"row {row_id}: expected {want}, got {have}")
    return problems


def message_differences(expected, received):
    """What differs between the msgs sent to a group (a set) and those received (a Counter)."""
    problems = []
    for msg in sorted(expected - received.keys()):
        problems.append(f"message {msg}: sent, never arrived")
    for msg, times in sorted(received.items()):
        if msg not in expected:
            problems.append(f"message {msg}: arrived {times}x but was never committed")
        elif times > 1:
            problems.append(f"message {msg}: arrived {times} times")
    return problems
