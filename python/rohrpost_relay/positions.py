"""The journal position a view's data is current to, for subscribing with ``since``."""

from django.db import DEFAULT_DB_ALIAS, connections


def current_position(using=DEFAULT_DB_ALIAS):
    """``rohrpost.settled_position()``: the highest committed event position (0 if none),
    once the relay's sequencer has numbered every transaction this session can see as
    committed (it waits up to 2 s for that; positions are given just after commit).

    Take it BEFORE reading the data the page shows (or read both inside one
    REPEATABLE READ transaction, where it cannot wait and a change committed just before
    may be replayed too): every change committed after the position is then replayed to
    a client that subscribes with ``since`` set to it. Read after the data
    under READ COMMITTED, a change committed in between would be in neither.
    """
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT rohrpost.settled_position()")
        return cursor.fetchone()[0]
