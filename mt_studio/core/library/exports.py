"""The record of what was exported, for which purpose, to whom, with whom audible on it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mt_studio.core.domain import Purpose
from mt_studio.core.domain.records import ExportedFile
from mt_studio.core.library import audit
from mt_studio.core.library.clock import to_text, utc_now
from mt_studio.core.library.params import marks
from mt_studio.core.library.sqlite import sqlite3
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
    """Store an export (chained, its hash covering its tracks, participants and files), its
    files and its audit row; returns the export's id.

    FILE is where the export was written (a folder, or a single file).
    """
    tracks = list(tracks)
    participant_ids = sorted(set(participant_ids))
    from mt_studio.core.library import ledger_chain  # not loaded to list the sessions

    export_id, previous = ledger_chain.next_row(db, "exports")
    row = (export_id, to_text(utc_now()), purpose.value, recipient, profile, file, title)
    parts = {"export_tracks": [(t.take_id, t.id) for t in tracks],
             "export_participants": [(pid,) for pid in participant_ids],
             "export_files": [(f.name, f.bytes, f.sha256) for f in files]}
    db.execute(
        "INSERT INTO exports (id, created_at, purpose, recipient, profile, file, title, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (*row, ledger_chain.link(previous, ledger_chain.canonical("exports", row, parts),
                          ledger_chain.chain_key(db))),
    )
    for table, rows in parts.items():
        columns = ("export_id", *ledger_chain.EXPORT_PARTS[table])
        db.executemany(f"INSERT INTO {table} ({', '.join(columns)})"
                       f" VALUES ({marks(columns)})",
                       [(export_id, *values) for values in rows])
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
