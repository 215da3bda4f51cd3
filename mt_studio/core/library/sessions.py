"""Therapy sessions: what kind, when, with whom, and the inputs a template laid out."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from mt_studio.core.domain import Participant, SessionKind
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit
from mt_studio.core.library.clock import to_text, utc_now
from mt_studio.core.text import one_line
from mt_studio.i18n import _


@dataclass(frozen=True)
class SessionInput:
    """An input of the audio interface as the session lays it out."""

    number: int
    label: str
    isolated: bool = False
    armed: bool = True


@dataclass(frozen=True)
class Session:
    """A therapy session and who was present."""

    id: int
    title: str
    kind: SessionKind
    date: date
    therapist: str | None = None
    notes: str = ""
    template: str | None = None
    tempo_bpm: float | None = None
    count_in_bars: int = 0
    participants: tuple[Participant, ...] = ()
    inputs: tuple[SessionInput, ...] = field(default_factory=tuple)
    take_count: int = 0


def create(
    db: sqlite3.Connection,
    title: str,
    kind: SessionKind,
    *,
    on: date,
    participants: Sequence[Participant] = (),
    therapist: str | None = None,
    notes: str = "",
    template: str | None = None,
    tempo_bpm: float | None = None,
    count_in_bars: int = 0,
    inputs: Sequence[SessionInput] = (),
) -> Session:
    """Create a session with its attendance and input layout."""
    title = one_line(title, _("A session title"))
    if not title:
        raise InputError(_("A session needs a title."))
    therapist = one_line(therapist, _("The therapist"))
    cursor = db.execute(
        "INSERT INTO sessions (title, kind, date, therapist, notes, template, tempo_bpm,"
        " count_in_bars, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (title, kind.value, on.isoformat(), therapist, notes, template,
         tempo_bpm, count_in_bars, to_text(utc_now())),
    )
    session_id = cursor.lastrowid
    db.executemany(
        "INSERT INTO attendance (session_id, participant_id) VALUES (?, ?)",
        [(session_id, p.id) for p in participants],
    )
    db.executemany(
        "INSERT INTO session_inputs (session_id, input, label, isolated, armed)"
        " VALUES (?, ?, ?, ?, ?)",
        [(session_id, i.number, i.label, int(i.isolated), int(i.armed)) for i in inputs],
    )
    audit.record(db, "session.created", f"session:{session_id}", kind=kind.value,
                 participants=[p.id for p in participants], template=template)
    return get(db, session_id)


def get(db: sqlite3.Connection, session_id: int) -> Session:
    """The session with this id; InputError naming the id if there is none."""
    row = db.execute(
        "SELECT id, title, kind, date, therapist, notes, template, tempo_bpm, count_in_bars,"
        " (SELECT count(*) FROM takes WHERE takes.session_id = sessions.id)"
        " FROM sessions WHERE id = ?",
        (session_id,),
    ).fetchone()
    if row is None:
        raise InputError(
            _("No session with id {id}. See 'mt-studio session list'.").format(id=session_id)
        )
    return _session(db, row)


def all_sessions(db: sqlite3.Connection) -> list[Session]:
    """Every session, newest first."""
    rows = db.execute(
        "SELECT id, title, kind, date, therapist, notes, template, tempo_bpm, count_in_bars,"
        " (SELECT count(*) FROM takes WHERE takes.session_id = sessions.id)"
        " FROM sessions ORDER BY date DESC, id DESC"
    ).fetchall()
    return [_session(db, row) for row in rows]


def _session(db: sqlite3.Connection, row: tuple) -> Session:
    session_id = row[0]
    present = tuple(
        Participant(*r)
        for r in db.execute(
            "SELECT p.id, p.pseudonym, p.real_name FROM attendance a"
            " JOIN participants p ON p.id = a.participant_id"
            " WHERE a.session_id = ? ORDER BY p.lookup_key",
            (session_id,),
        )
    )
    inputs = tuple(
        SessionInput(r[0], r[1], bool(r[2]), bool(r[3]))
        for r in db.execute(
            "SELECT input, label, isolated, armed FROM session_inputs"
            " WHERE session_id = ? ORDER BY input",
            (session_id,),
        )
    )
    return Session(
        id=session_id, title=row[1], kind=SessionKind(row[2]), date=date.fromisoformat(row[3]),
        therapist=row[4], notes=row[5], template=row[6], tempo_bpm=row[7], count_in_bars=row[8],
        participants=present, inputs=inputs, take_count=row[9],
    )
