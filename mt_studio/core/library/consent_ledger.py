"""The consent ledger: rows are only ever appended; a withdrawal is a new row, never an edit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from mt_studio.core.domain import ConsentAction, ConsentEvent, Credit, Participant, Purpose
from mt_studio.core.domain.withdrawal import (
    TouchedExport,
    TouchedLeadSheet,
    TouchedTake,
    WithdrawalReport,
)
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit
from mt_studio.core.library.clock import from_text, to_text, utc_now
from mt_studio.core.library.params import marks
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.text import one_line
from mt_studio.i18n import _

_COLUMNS = (
    "id, participant_id, purpose, action, at, valid_until, credit, witness, form_version, reason"
)


MAX_NAME_LENGTH = 100  # a witness
MAX_FORM_VERSION_LENGTH = 40
MAX_REASON_LENGTH = 500

LEAD_SHEET_SHARED = "lead_sheet.shared"  # the audit action of a printed or saved lead sheet


def grant(
    db: sqlite3.Connection,
    participant: Participant,
    purposes: Sequence[Purpose],
    *,
    valid_until: date | None = None,
    witness: str | None = None,
    form_version: str | None = None,
    credit: Credit | None = None,
    at: datetime | None = None,
) -> list[ConsentEvent]:
    """Append a grant row per purpose; a last valid day already past is refused."""
    at = at or utc_now()
    if valid_until is not None and valid_until < at.astimezone().date():
        raise InputError(
            _("--until {date} is in the past; a consent must be valid for at least today.").format(
                date=valid_until.isoformat()
            )
        )
    return [
        _append(db, ConsentEvent(participant.id, purpose, ConsentAction.GRANT, at, valid_until,
                                 credit, one_line(witness, _("The witness"), MAX_NAME_LENGTH),
                                 one_line(form_version, _("The form version"),
                                          MAX_FORM_VERSION_LENGTH)))
        for purpose in _unique(purposes)
    ]


def withdraw(
    db: sqlite3.Connection,
    participant: Participant,
    purposes: Sequence[Purpose],
    *,
    reason: str | None = None,
    at: datetime | None = None,
) -> WithdrawalReport:
    """Append a withdrawal row per purpose, in effect at once, and report what it touches."""
    at = at or utc_now()
    purposes = _unique(purposes)
    events = tuple(
        _append(db, ConsentEvent(participant.id, purpose, ConsentAction.WITHDRAW, at,
                                 reason=one_line(reason, _("The reason"), MAX_REASON_LENGTH)))
        for purpose in purposes
    )
    restricting = [p for p in purposes if p is not Purpose.RECORD]
    takes = takes_with(db, participant.id) if restricting else []
    sheets = lead_sheets_with(db, participant.id) if Purpose.GROUP in purposes else []
    return WithdrawalReport(events, tuple(takes), tuple(exports_with(db, participant.id, purposes)),
                            tuple(sheets))


def events(
    db: sqlite3.Connection, participant_ids: Iterable[int] | None = None
) -> list[ConsentEvent]:
    """Ledger rows in the order they were written (the order that decides, whatever their
    stamps), for everyone or for the given participants."""
    query = f"SELECT {_COLUMNS} FROM consent_events"
    params: list[int] = []
    if participant_ids is not None:
        params = sorted(set(participant_ids))
        query += f" WHERE participant_id IN ({marks(params)})"
    return [_event(row) for row in db.execute(query + " ORDER BY id", params)]


def takes_with(db: sqlite3.Connection, participant_id: int) -> list[TouchedTake]:
    """Takes on which the participant can be heard: on a track of theirs or a room track."""
    rows = db.execute(
        """
        SELECT DISTINCT takes.id, takes.session_id, takes.number
        FROM takes JOIN tracks ON tracks.take_id = takes.id
        WHERE EXISTS (SELECT 1 FROM track_participants tp
                      WHERE tp.track_id = tracks.id AND tp.participant_id = :who)
           OR (tracks.isolated = 0 AND EXISTS (
                      SELECT 1 FROM attendance a
                      WHERE a.session_id = takes.session_id AND a.participant_id = :who))
        ORDER BY takes.id
        """,
        {"who": participant_id},
    )
    return [TouchedTake(*row) for row in rows]


def exports_with(
    db: sqlite3.Connection, participant_id: int, purposes: Iterable[Purpose]
) -> list[TouchedExport]:
    """Earlier exports for PURPOSES in which the participant can be heard."""
    purposes = [p.value for p in purposes]
    rows = db.execute(
        f"""
        SELECT exports.id, exports.purpose, exports.recipient, exports.created_at, exports.title
        FROM exports JOIN export_participants ep ON ep.export_id = exports.id
        WHERE ep.participant_id = ? AND exports.purpose IN ({marks(purposes)})
        ORDER BY exports.id
        """,
        [participant_id, *purposes],
    )
    return [TouchedExport(row[0], Purpose(row[1]), row[2], from_text(row[3]), row[4])
            for row in rows]


def lead_sheets_with(db: sqlite3.Connection, participant_id: int) -> list[TouchedLeadSheet]:
    """Lead sheets printed or saved with the participant's words, as the audit log has them."""
    rows = db.execute(
        "SELECT subject, at, details FROM audit_log WHERE action = ? AND participant_id = ?"
        " ORDER BY id", (LEAD_SHEET_SHARED, participant_id))
    sheets = []
    for subject, at, details in rows:
        found = json.loads(details)
        sheets.append(TouchedLeadSheet(int(subject.removeprefix("take:")), found.get("song"),
                                       found.get("how", ""), from_text(at)))
    return sheets


def _append(db: sqlite3.Connection, event: ConsentEvent) -> ConsentEvent:
    from mt_studio.core.library import ledger_chain  # not loaded to list the sessions

    row_id, previous = ledger_chain.next_row(db, "consent_events")
    row = (
        row_id, event.participant_id, event.purpose.value, event.action.value, to_text(event.at),
        event.valid_until.isoformat() if event.valid_until else None,
        event.credit.value if event.credit else None,
        event.witness, event.form_version, event.reason,
    )
    db.execute(
        f"INSERT INTO consent_events ({_COLUMNS}, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*row, ledger_chain.link(previous, ledger_chain.canonical("consent_events", row),
                          ledger_chain.chain_key(db))),
    )
    audit.record(
        db, f"consent.{'granted' if event.action is ConsentAction.GRANT else 'withdrawn'}",
        f"consent:{row_id}", event.participant_id, event.at, purpose=event.purpose.value,
    )
    return _event(db.execute(f"SELECT {_COLUMNS} FROM consent_events WHERE id = ?",
                             (row_id,)).fetchone())


def _event(row: tuple) -> ConsentEvent:
    return ConsentEvent(
        id=row[0],
        participant_id=row[1],
        purpose=Purpose(row[2]),
        action=ConsentAction(row[3]),
        at=from_text(row[4]),
        valid_until=date.fromisoformat(row[5]) if row[5] else None,
        credit=Credit(row[6]) if row[6] else None,
        witness=row[7],
        form_version=row[8],
        reason=row[9],
    )


def _unique(purposes: Iterable[Purpose]) -> list[Purpose]:
    return list(dict.fromkeys(purposes))
