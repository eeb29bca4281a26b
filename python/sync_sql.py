#!/usr/bin/env python3
"""Copies the repository's sql/*.sql into the package (rohrpost_relay/sql/).

The repository's sql/ is the one source of truth; the package ships copies so that
``pip install`` brings them along. Run this after adding or changing a file there, then
add a migration for a new file (see README.md, "A new SQL file"). With ``--check`` it
changes nothing and exits 1 when the copies differ.
"""

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "sql"
COPIES = HERE / "rohrpost_relay" / "sql"


def differences():
    """(file name, what differs) for each copy that is missing, stale or extra."""
    source = {p.name: p.read_bytes() for p in SOURCE.glob("*.sql")}
    copies = {p.name: p.read_bytes() for p in COPIES.glob("*.sql")}
    found = []
    for name in sorted(source.keys() | copies.keys()):
        if name not in copies:
            found.append((name, "missing"))
        elif name not in source:
            found.append((name, "not in sql/"))
        elif source[name] != copies[name]:
            found.append((name, "differs"))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report; exit 1 when the copies differ")
    options = parser.parse_args()
    found = differences()
    for name, what in found:
        print(f"{name}: {what}")
        if not options.check:
            if what == "not in sql/":
                (COPIES / name).unlink()
            else:
                (COPIES / name).write_bytes((SOURCE / name).read_bytes())
    if not found:
        print(f"{COPIES.relative_to(HERE.parent)} matches sql/")
    return 1 if options.check and found else 0


if __name__ == "__main__":
    sys.exit(main())
