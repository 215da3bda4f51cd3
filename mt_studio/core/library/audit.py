"""The append-only audit log: every consent change, recording, export, deletion and recovery."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from mt_studio.core.domain.records import AuditEntry
from mt_studio.core.library.clock import from_text, to_text, utc_now


def record(
    db: sqlite3.Connection,
    action: str,
    subject: str,
    participant_id: int | None = None,
    at: datetime | None = None,
    **details: object,
) -> None:
    """Append an entry, inside the caller's transaction so it lands with the change it describes."""
    db.execute(
        "INSERT INTO audit_log (at, action, subject, participant_id, details)"
        " VALUES (?, ?, ?, ?, ?)",
        (to_text(at or utc_now()), action, subject, participant_id,
         json.dumps(details, sort_keys=True, default=str)),
    )


def entries(db: sqlite3.Connection, participant_id: int | None = None) -> list[AuditEntry]:
    """The log in the order it was written, optionally only the rows about one participant."""
    query = "SELECT id, at, action, subject, participant_id, details FROM audit_log"
    params: tuple = ()
    if participant_id is not None:
        query += " WHERE participant_id = ?"
        params = (participant_id,)
    return [
        AuditEntry(row[0], from_text(row[1]), row[2], row[3], row[4], json.loads(row[5]))
        for row in db.execute(query + " ORDER BY id", params)
    ]
