"""Writers: random transactions on the watched table soak_item (inserts, updates, updates
that move a row to another group, deletes, several statements at once, savepoints,
rollbacks) and rohrpost.send messages recorded in soak_message in the same transaction, so
the tables are the truth whatever a fault did to a COMMIT."""

import asyncio
from collections import Counter

import psycopg

GROUP_COUNT = 4  # row groups grp-1 .. grp-4; every row is also in `all`
GROUPS = [f"grp-{n}" for n in range(1, GROUP_COUNT + 1)] + ["all"]
TARGET_ROWS = 300  # inserts slow down past this many rows

SCHEMA = f"""
CREATE TABLE soak_item (id bigserial PRIMARY KEY, grp integer NOT NULL, val integer NOT NULL, note text);
CREATE TABLE soak_message (msg bigint NOT NULL, grp text NOT NULL, PRIMARY KEY (msg, grp));
CREATE SEQUENCE soak_message_seq;
SELECT rohrpost.watch('public.soak_item', groups => ARRAY['grp-{{grp}}', 'all']);
"""

RANDOM_ROW = "(SELECT id FROM soak_item ORDER BY random() LIMIT 1)"


class Writer:
    """One writing connection, running random transactions until stopped."""

    def __init__(self, name, url, rng):
        self.name, self.url, self.rng = name, url, rng
        self.outcomes = Counter()  # committed, rolled back, failed: <reason>
        self.statements = Counter()
        self._stopping = False
        self._rows = 0

    def stop(self):
        self._stopping = True

    async def run(self):
        conn = None
        while not self._stopping:
            try:
                if conn is None or conn.closed:
                    conn = await psycopg.AsyncConnection.connect(self.url, connect_timeout=3)
                    self._rows = await self._count(conn)
                await self._transaction(conn)
            except psycopg.OperationalError as error:
                # The server went away (restart) or the commit's outcome is unknown: the
                # tables say what committed. Reconnect.
                self.outcomes[f"failed: {type(error).__name__}"] += 1
                await self._close(conn)
                conn = None
                await asyncio.sleep(0.2)
            except psycopg.Error as error:  # deadlock, serialization: nothing committed
                self.outcomes[f"failed: {type(error).__name__}"] += 1
                try:
                    await conn.rollback()
                except psycopg.Error:
                    await self._close(conn)
                    conn = None
            await asyncio.sleep(self.rng.uniform(0, 0.03))
        await self._close(conn)

    async def _transaction(self, conn):
        rng = self.rng
        shape = rng.choices(["single", "multi", "rollback", "savepoint"], [55, 25, 10, 10])[0]
        count = 1 if shape == "single" else rng.randint(2, 5)
        for _ in range(count):
            await self._statement(conn)
        if shape == "savepoint":
            await conn.execute("SAVEPOINT soak")
            await self._statement(conn)
            await conn.execute("ROLLBACK TO SAVEPOINT soak")
        if shape == "rollback":
            await conn.rollback()
            self.outcomes["rolled back"] += 1
        else:
            await conn.commit()
            self.outcomes["committed"] += 1
        if rng.random() < 0.05:
            self._rows = await self._count(conn)

    async def _statement(self, conn):
        rng = self.rng
        insert_weight = 30 if self._rows < TARGET_ROWS else 5
        kind = rng.choices(["insert", "update", "move", "delete", "send", "flip"],
                           [insert_weight, 25, 12, 12, 10, 6])[0]
        self.statements[kind] += 1
        if kind == "insert":
            await conn.execute("INSERT INTO soak_item (grp, val, note) VALUES (%s, 0, %s)",
                               (rng.randint(1, GROUP_COUNT), f"{self.name} new"))
            self._rows += 1
        elif kind == "update":
            await conn.execute(f"UPDATE soak_item SET val = val + 1, note = %s WHERE id = {RANDOM_ROW}",
                               (f"{self.name} upd {rng.randint(0, 999)}",))
        elif kind == "move":
            await conn.execute(f"UPDATE soak_item SET grp = 1 + (grp - 1 + %s) %% {GROUP_COUNT}, val = val + 1 "
                               f"WHERE id = {RANDOM_ROW}", (rng.randint(1, GROUP_COUNT - 1),))
        elif kind == "delete":
            await conn.execute(f"DELETE FROM soak_item WHERE id = {RANDOM_ROW}")
            self._rows -= 1
        elif kind == "flip":  # one row changed back and forth in one transaction
            cursor = await conn.execute(f"SELECT id FROM soak_item WHERE id = {RANDOM_ROW} FOR UPDATE")
            row = await cursor.fetchone()
            if row:
                for note in ("x", "y", "x", "y"):
                    await conn.execute("UPDATE soak_item SET note = %s WHERE id = %s", (note, row[0]))
        else:  # send: to one group or several at once, recorded in soak_message
            groups = rng.sample(GROUPS, rng.choice([1, 1, 2]))
            cursor = await conn.execute("SELECT nextval('soak_message_seq')")
            msg = (await cursor.fetchone())[0]
            await conn.execute("INSERT INTO soak_message (msg, grp) SELECT %s, unnest(%s::text[])", (msg, groups))
            await conn.execute("SELECT rohrpost.send(%s::text[], 'note', jsonb_build_object('msg', %s::bigint))",
                               (groups, msg))

    @staticmethod
    async def _count(conn):
        cursor = await conn.execute("SELECT count(*) FROM soak_item")
        count = (await cursor.fetchone())[0]
        await conn.commit()
        return count

    @staticmethod
    async def _close(conn):
        if conn is not None:
            try:
                await conn.close()
            except psycopg.Error:
                pass
