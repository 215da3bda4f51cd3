"""The record of what was exported, for which purpose, to whom, with whom audible on it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from mt_studio.core.domain import Purpose
from mt_studio.core.domain.records import ExportedFile
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
    files: Sequence[ExportedFile] = (),
    title: str = "",
) -> int:
    """Store an export, its files and its audit row; returns the export's id.

    FILE is where the export was written (a folder, or a single file).
    """
    tracks = list(tracks)
    participant_ids = sorted(set(participant_ids))
    cursor = db.execute(
        "INSERT INTO exports (created_at, purpose, recipient, profile, file, title)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (to_text(utc_now()), purpose.value, recipient, profile, file, title),
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
    db.executemany(
        "INSERT INTO export_files (export_id, name, bytes, sha256) VALUES (?, ?, ?, ?)",
        [(export_id, f.name, f.bytes, f.sha256) for f in files],
    )
    audit.record(db, "export.written", f"export:{export_id}", purpose=purpose.value,
                 recipient=recipient, where=file, profile=profile,
                 tracks=[t.id for t in tracks], participants=participant_ids,
                 files=[{"name": f.name, "bytes": f.bytes, "sha256": f.sha256} for f in files])
    return export_id


def files_of(db: sqlite3.Connection, export_id: int) -> list[ExportedFile]:
    """The files an export wrote, by name."""
    return [ExportedFile(*row) for row in db.execute(
        "SELECT name, bytes, sha256 FROM export_files WHERE export_id = ? ORDER BY name",
        (export_id,))]
