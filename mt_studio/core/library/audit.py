"""The append-only audit log: every consent change, recording, export, deletion and recovery,
every sign-in, and every look at health data; each row names who did it (its actor)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING

from mt_studio.core.library.clock import from_text, to_text, utc_now
from mt_studio.core.library.sqlite import sqlite3

if TYPE_CHECKING:
    from mt_studio.core.domain.records import AuditEntry

# Who the rows written in this thread are written for: (account id, participant id in
# participant mode), set by the studio around its transactions.
_actor: ContextVar[tuple[int | None, int | None]] = ContextVar("actor", default=(None, None))


@contextmanager
def acting(account_id: int | None, for_participant: int | None = None) -> Iterator[None]:
    """Write the rows of this thread, meanwhile, as done by ACCOUNT_ID (in participant mode
    for FOR_PARTICIPANT)."""
    token = _actor.set((account_id, for_participant))
    try:
        yield
    finally:
        _actor.reset(token)


def record(
    db: sqlite3.Connection,
    action: str,
    subject: str,
    participant_id: int | None = None,
    at: datetime | None = None,
    **details: object,
) -> None:
    """Append an entry, chained, inside the caller's transaction so it lands with the change it
    describes."""
    actor_id, for_participant = _actor.get()
    from mt_studio.core.library import ledger_chain  # not loaded to list the sessions

    row_id, previous = ledger_chain.next_row(db, "audit_log")
    row = (row_id, to_text(at or utc_now()), action, subject, participant_id,
           json.dumps(details, sort_keys=True, default=str), actor_id, for_participant)
    db.execute(
        "INSERT INTO audit_log (id, at, action, subject, participant_id, details, actor_id,"
        " for_participant, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*row, ledger_chain.link(previous, ledger_chain.canonical("audit_log", row),
                          ledger_chain.chain_key(db))),
    )


def entries(db: sqlite3.Connection, participant_id: int | None = None, *,
            actor_id: int | None = None, since: datetime | None = None) -> list[AuditEntry]:
    """The log in the order it was written; only the rows about PARTICIPANT_ID (rows about
    them, or written while they were at the keyboard), by ACTOR_ID, from SINCE on, when given."""
    from mt_studio.core.domain.records import AuditEntry  # not with every change's audit row

    query = ("SELECT id, at, action, subject, participant_id, details, actor_id,"
             " for_participant FROM audit_log WHERE 1 = 1")
    params: list = []
    if participant_id is not None:
        query += " AND (participant_id = ? OR for_participant = ?)"
        params += [participant_id, participant_id]
    if actor_id is not None:
        query += " AND actor_id = ?"
        params.append(actor_id)
    if since is not None:
        query += " AND at >= ?"
        params.append(to_text(since))
    return [
        AuditEntry(row[0], from_text(row[1]), row[2], row[3], row[4], json.loads(row[5]),
                   row[6], row[7])
        for row in db.execute(query + " ORDER BY id", params)
    ]
