"""Takes of a service's library whose files are still in a computer's spool: recorded there,
not yet copied to the audio store and checked (docs/architecture.md, "How a take travels").

A row names the spool (a random id of one computer's spool for this library) and the
computer, as people know it; it goes when the take's files are checked in the store, or
with the take (the schema's cascade).
"""

from __future__ import annotations

from dataclasses import dataclass

from mt_studio.core.library.sqlite import sqlite3


@dataclass(frozen=True)
class SpooledTake:
    """A take whose files wait in SPOOL, on COMPUTER."""

    take_id: int
    session_id: int
    number: int
    spool: str
    computer: str


def mark(db: sqlite3.Connection, take_id: int, spool: str, computer: str) -> None:
    """Note that TAKE_ID's files are being written to SPOOL, on COMPUTER."""
    db.execute("INSERT INTO spooled_takes (take_id, spool, computer) VALUES (?, ?, ?)"
               " ON CONFLICT (take_id) DO NOTHING", (take_id, spool, computer))


def clear(db: sqlite3.Connection, take_id: int) -> None:
    """TAKE_ID's files are all in the store, checked."""
    db.execute("DELETE FROM spooled_takes WHERE take_id = ?", (take_id,))


def of_take(db: sqlite3.Connection, take_id: int) -> SpooledTake | None:
    """Where TAKE_ID's files wait, or None (in the store, or no such take)."""
    found = _spooled(db, "spooled_takes.take_id = ?", (take_id,))
    return found[0] if found else None


def holds(db: sqlite3.Connection, spool: str) -> bool:
    """Whether any take's files wait in SPOOL."""
    return db.execute("SELECT 1 FROM spooled_takes WHERE spool = ? LIMIT 1",
                      (spool,)).fetchone() is not None


def waiting(db: sqlite3.Connection) -> list[SpooledTake]:
    """Every take whose files wait in a spool, the oldest first."""
    return _spooled(db, "1 = 1", ())


def _spooled(db: sqlite3.Connection, where: str, values: tuple) -> list[SpooledTake]:
    rows = db.execute(
        "SELECT spooled_takes.take_id, takes.session_id, takes.number, spool, computer"
        " FROM spooled_takes JOIN takes ON takes.id = spooled_takes.take_id"
        f" WHERE {where} ORDER BY spooled_takes.take_id", values).fetchall()
    return [SpooledTake(*row) for row in rows]
