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
    return db.execute(
        f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0),"
        " coalesce((SELECT last FROM retired_ids WHERE kind = ?), 0)) + 1", (table,)
    ).fetchone()[0]


def retire(db: sqlite3.Connection, table: str, ids: Iterable[int]) -> None:
    """Never give IDS of TABLE (rows being deleted) to a new row."""
    highest = max(ids, default=None)
    if highest is None:
        return
    db.execute("INSERT INTO retired_ids (kind, last) VALUES (?, ?) ON CONFLICT (kind)"
               " DO UPDATE SET last = max(last, excluded.last)", (table, highest))
