"""Annotations of takes found by plugins' analyses, kept per take and analysis."""

from __future__ import annotations

from collections.abc import Sequence

from mt_studio.core.domain.takes import Annotation, StoredAnnotation
from mt_studio.core.library.clock import to_text, utc_now
from mt_studio.core.library.sqlite import sqlite3


def replace(db: sqlite3.Connection, take_id: int, plugin_id: str, analysis_id: str,
            found: Sequence[Annotation]) -> None:
    """Keep FOUND as what ANALYSIS_ID (of PLUGIN_ID) found in the take, instead of before."""
    db.execute("DELETE FROM annotations WHERE take_id = ? AND plugin_id = ? AND analysis_id = ?",
               (take_id, plugin_id, analysis_id))
    now = to_text(utc_now())
    db.executemany(
        "INSERT INTO annotations (take_id, plugin_id, analysis_id, kind, start, \"end\", label,"
        " value, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(take_id, plugin_id, analysis_id, a.kind, a.start, a.end, a.label, a.value, now)
         for a in found])


def of_take(db: sqlite3.Connection, take_id: int,
            plugin_ids: Sequence[str] | None = None) -> list[StoredAnnotation]:
    """The take's annotations by start (only those of PLUGIN_IDS, if given)."""
    rows = db.execute(
        "SELECT plugin_id, analysis_id, kind, start, \"end\", label, value FROM annotations"
        " WHERE take_id = ? ORDER BY start, id", (take_id,))
    return [StoredAnnotation(p, a, Annotation(k, s, e, label, v))
            for p, a, k, s, e, label, v in rows
            if plugin_ids is None or p in plugin_ids]
