"""Ids never given twice: a deleted take's, track's or song's id stays retired, for the export
log and the audit log name them by id after they are gone."""

from __future__ import annotations

from collections.abc import Iterable

from mt_studio.core.library.sqlite import sqlite3

KINDS = ("takes", "tracks", "songs")


def next_id(db: sqlite3.Connection, table: str) -> int:
    """The id for a new row of TABLE (one of KINDS): past every id it holds or has retired."""
    if table not in KINDS:
        raise ValueError(f"ids of {table} are not retired")
    held, retired = db.execute(
        f"SELECT coalesce((SELECT max(id) FROM {table}), 0),"
        " coalesce((SELECT last FROM retired_ids WHERE kind = ?), 0)", (table,)).fetchone()
    return max(held, retired) + 1


def retire(db: sqlite3.Connection, table: str, ids: Iterable[int]) -> None:
    """Never give IDS of TABLE (rows being deleted) to a new row."""
    highest = max(ids, default=None)
    if highest is None:
        return
    db.execute("INSERT INTO retired_ids (kind, last) VALUES (?, ?) ON CONFLICT (kind)"
               " DO UPDATE SET last = CASE WHEN excluded.last > retired_ids.last"
               " THEN excluded.last ELSE retired_ids.last END", (table, highest))
