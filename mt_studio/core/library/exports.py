"""The record of what was exported, for which purpose, to whom, with whom audible on it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from mt_studio.core.domain import Purpose
from mt_studio.core.library import audit
from mt_studio.core.library.clock import to_text, utc_now
from mt_studio.core.library.takes import Track


def record(
    db: sqlite3.Connection,
    purpose: Purpose,
    recipient: str,
    file: str,
    tracks: Iterable[Track],
    participant_ids: Iterable[int],
    profile: str | None = None,
) -> int:
    """Store an export and its audit row; returns the export's id."""
    tracks = list(tracks)
    participant_ids = sorted(set(participant_ids))
    cursor = db.execute(
        "INSERT INTO exports (created_at, purpose, recipient, profile, file)"
        " VALUES (?, ?, ?, ?, ?)",
        (to_text(utc_now()), purpose.value, recipient, profile, file),
    )
    export_id = cursor.lastrowid
    db.executemany(
        "INSERT INTO export_tracks (export_id, take_id, track_id) VALUES (?, ?, ?)",
        [(export_id, t.take_id, t.id) for t in tracks],
    )
    db.executemany(
        "INSERT INTO export_participants (export_id, participant_id) VALUES (?, ?)",
        [(export_id, pid) for pid in participant_ids],
    )
    audit.record(db, "export.written", f"export:{export_id}", purpose=purpose.value,
                 tracks=[t.id for t in tracks], participants=participant_ids)
    return export_id
