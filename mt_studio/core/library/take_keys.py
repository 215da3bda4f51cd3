"""Each take's own key, as the library key wraps it (the studio wraps and unwraps).

A row goes with its take (the schema's cascade), and with it every copy of the take's files:
they cannot be read without it. Deleted rows are overwritten (secure_delete).
"""

from __future__ import annotations

from mt_studio.core.library.sqlite import sqlite3


def put(db: sqlite3.Connection, take_id: int, wrapped: bytes) -> None:
    """Keep TAKE_ID's wrapped key (a take has one key for its life: never replaced)."""
    db.execute("INSERT INTO take_keys (take_id, wrapped) VALUES (?, ?)", (take_id, wrapped))


def get(db: sqlite3.Connection, take_id: int) -> bytes | None:
    """TAKE_ID's wrapped key, or None (a plain take, or one deleted)."""
    row = db.execute("SELECT wrapped FROM take_keys WHERE take_id = ?", (take_id,)).fetchone()
    return None if row is None else bytes(row[0])


def takes_without(db: sqlite3.Connection) -> list[int]:
    """The takes that have no key yet (a library being encrypted), by id."""
    return [row[0] for row in db.execute(
        "SELECT id FROM takes WHERE id NOT IN (SELECT take_id FROM take_keys) ORDER BY id")]
