"""Therapy sessions: what kind, when, with whom, and their set-up: the inputs (as a template
laid them out, then as they were left on the Inputs tab) and the MIDI keyboard."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from mt_studio.core.domain import Participant, SessionKind
from mt_studio.core.domain.sessions import KEEP, Session, SessionInput, _Unchanged
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit
from mt_studio.core.library.clock import to_text, utc_now
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.text import many_lines, one_line, shown
from mt_studio.i18n import _

MAX_NAME_LENGTH = 100
"""The most characters a therapist's name or an input's label may hold."""
MAX_NOTES_LENGTH = 20_000


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
    group_id: int | None = None,
) -> Session:
    """Create a session with its attendance and input layout, of GROUP_ID if given."""
    title = _clean_title(title)
    therapist = one_line(therapist, _("The therapist"), MAX_NAME_LENGTH)
    notes = many_lines(notes, _("A session's notes"), MAX_NOTES_LENGTH)
    template = one_line(template, _("The template"))
    cursor = db.execute(
        "INSERT INTO sessions (title, kind, date, therapist, notes, template, tempo_bpm,"
        " count_in_bars, created_at, group_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id",
        (title, kind.value, on.isoformat(), therapist, notes, template,
         tempo_bpm, count_in_bars, to_text(utc_now()), group_id),
    )
    session_id = cursor.fetchone()[0]
    db.executemany(
        "INSERT INTO attendance (session_id, participant_id) VALUES (?, ?)",
        [(session_id, p.id) for p in participants],
    )
    _store_inputs(db, session_id, inputs)
    audit.record(db, "session.created", f"session:{session_id}", kind=kind.value,
                 participants=[p.id for p in participants], template=template,
                 **({"group": group_id} if group_id else {}))
    return get(db, session_id)


def edit(
    db: sqlite3.Connection,
    session_id: int,
    *,
    title: str | _Unchanged = KEEP,
    kind: SessionKind | _Unchanged = KEEP,
    on: date | _Unchanged = KEEP,
    therapist: str | None | _Unchanged = KEEP,
    notes: str | _Unchanged = KEEP,
) -> Session:
    """Change the given fields of a session; the audit log names the fields, not their text."""
    before = get(db, session_id)
    changes: dict[str, object] = {}
    if title is not KEEP:
        changes["title"] = _clean_title(title)
    if kind is not KEEP:
        changes["kind"] = SessionKind(kind).value
    if on is not KEEP:
        changes["date"] = on.isoformat()
    if therapist is not KEEP:
        changes["therapist"] = one_line(therapist, _("The therapist"), MAX_NAME_LENGTH)
    if notes is not KEEP:
        changes["notes"] = many_lines(notes, _("A session's notes"), MAX_NOTES_LENGTH)
    current = {"title": before.title, "kind": before.kind.value,
               "date": before.date.isoformat(), "therapist": before.therapist,
               "notes": before.notes}
    changed = {name: value for name, value in changes.items() if current[name] != value}
    if not changed:
        return before
    assignments = ", ".join(f"{name} = ?" for name in changed)  # names come from the dict above
    db.execute(f"UPDATE sessions SET {assignments} WHERE id = ?", [*changed.values(), session_id])
    audit.record(db, "session.edited", f"session:{session_id}", fields=sorted(changed),
                 **({"kind": changed["kind"]} if "kind" in changed else {}))
    return get(db, session_id)


def check_in(db: sqlite3.Connection, session_id: int, participant: Participant) -> bool:
    """Mark PARTICIPANT present in the session; False if they already were."""
    get(db, session_id)
    cursor = db.execute(
        "INSERT INTO attendance (session_id, participant_id) VALUES (?, ?)"
        " ON CONFLICT DO NOTHING",
        (session_id, participant.id),
    )
    if cursor.rowcount == 0:
        return False
    # Whoever came after all did not "send word" or "not come" (the answers beside attendance).
    db.execute("DELETE FROM absences WHERE session_id = ? AND participant_id = ?",
               (session_id, participant.id))
    audit.record(db, "session.checked_in", f"session:{session_id}", participant.id)
    return True


def check_out(db: sqlite3.Connection, session_id: int, participant: Participant) -> bool:
    """Take PARTICIPANT off the session's attendance; False if they were not on it.

    Refused once the session has takes: attendance is what says who can be heard on its room
    tracks, so removing someone would hide them from takes (and withdrawals) that hold them.
    """
    session = get(db, session_id)
    if all(p.id != participant.id for p in session.participants):
        return False
    if session.take_count:
        raise InputError(
            _("{who} can be heard on the takes already recorded in this session, so they stay "
              "on its list of people present.").format(who=shown(participant.pseudonym))
        )
    db.execute("DELETE FROM attendance WHERE session_id = ? AND participant_id = ?",
               (session_id, participant.id))
    audit.record(db, "session.checked_out", f"session:{session_id}", participant.id)
    return True


def set_attendance(
    db: sqlite3.Connection, session_id: int, present: Sequence[Participant]
) -> Session:
    """Check in and out so that exactly PRESENT attend the session (see `check_out`)."""
    wanted = {p.id: p for p in present}
    for participant in get(db, session_id).participants:
        if participant.id not in wanted:
            check_out(db, session_id, participant)
    for participant in wanted.values():
        check_in(db, session_id, participant)
    return get(db, session_id)


def keep_setup(
    db: sqlite3.Connection,
    session_id: int,
    inputs: Sequence[SessionInput],
    *,
    midi_players: Sequence[int] = (),
    midi_port: str | None | _Unchanged = KEEP,
) -> Session:
    """Keep the session's set-up as the Inputs tab shows it: INPUTS (others stay as they
    were), who plays the MIDI keyboard and, unless KEEP, its port (None: no keyboard)."""
    get(db, session_id)
    _store_inputs(db, session_id, inputs)
    db.execute("DELETE FROM session_midi_players WHERE session_id = ?", (session_id,))
    db.executemany(
        "INSERT INTO session_midi_players (session_id, participant_id) VALUES (?, ?)",
        [(session_id, p) for p in sorted(set(midi_players))],
    )
    if midi_port is not KEEP:
        port = one_line(midi_port, _("The MIDI keyboard"))
        db.execute("UPDATE sessions SET midi_port = ? WHERE id = ?", (port, session_id))
    return get(db, session_id)


def _store_inputs(db: sqlite3.Connection, session_id: int, inputs: Sequence[SessionInput]) -> None:
    """Add or replace these inputs of the session, with who plays into each."""
    rows = []
    for each in inputs:
        if each.number < 1:
            raise InputError(_("There is no input {n}: inputs are counted from 1.").format(
                n=each.number))
        label = one_line(each.label, _("The label of input {n}").format(n=each.number),
                         MAX_NAME_LENGTH) or ""
        rows.append((session_id, each.number, label, int(each.isolated), int(each.armed)))
    db.executemany(
        "INSERT INTO session_inputs (session_id, input, label, isolated, armed)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, input) DO UPDATE SET"
        " label = excluded.label, isolated = excluded.isolated, armed = excluded.armed",
        rows,
    )
    db.executemany("DELETE FROM session_input_players WHERE session_id = ? AND input = ?",
                   [(session_id, each.number) for each in inputs])
    db.executemany(
        "INSERT INTO session_input_players (session_id, input, participant_id) VALUES (?, ?, ?)",
        [(session_id, each.number, p) for each in inputs for p in sorted(set(each.players))],
    )


def get(db: sqlite3.Connection, session_id: int) -> Session:
    """The session with this id; InputError naming the id if there is none."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM sessions WHERE id = ?",
        (session_id,),
    ).fetchone()
    if row is None:
        raise InputError(
            _("No session with id {id}. See 'mt-studio session list'.").format(id=session_id)
        )
    return _session(row, _Details.read(db, "WHERE session_id = ?", (session_id,)))


def all_sessions(db: sqlite3.Connection) -> list[Session]:
    """Every session, newest first (five queries however many there are: on a server each
    query is a round trip)."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM sessions ORDER BY date DESC, id DESC"
    ).fetchall()
    details = _Details.read(db)
    return [_session(row, details) for row in rows]


_COLUMNS = ("id, title, kind, date, therapist, notes, template, tempo_bpm, count_in_bars,"
            " (SELECT count(*) FROM takes WHERE takes.session_id = sessions.id), midi_port,"
            " group_id")


class _Details:
    """Who was present, the inputs and their players, and the MIDI players of the sessions
    WHERE picks (all, by default), by session id."""

    def __init__(self) -> None:
        self.present: dict[int, list[Participant]] = defaultdict(list)
        self.inputs: dict[int, list[tuple]] = defaultdict(list)
        self.players: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.midi_players: dict[int, list[int]] = defaultdict(list)

    @classmethod
    def read(cls, db: sqlite3.Connection, where: str = "", params: tuple = ()) -> _Details:
        found = cls()
        for session_id, *person in db.execute(
                "SELECT a.session_id, p.id, p.pseudonym, p.real_name"
                f" FROM (SELECT * FROM attendance {where}) AS a"
                " JOIN participants p ON p.id = a.participant_id"
                " ORDER BY a.session_id, p.lookup_key", params):
            found.present[session_id].append(Participant(*person))
        for session_id, number, participant_id in db.execute(
                f"SELECT session_id, input, participant_id FROM session_input_players {where}"
                " ORDER BY session_id, input, participant_id", params):
            found.players[(session_id, number)].append(participant_id)
        for session_id, *each in db.execute(
                f"SELECT session_id, input, label, isolated, armed FROM session_inputs {where}"
                " ORDER BY session_id, input", params):
            found.inputs[session_id].append(tuple(each))
        for session_id, participant_id in db.execute(
                f"SELECT session_id, participant_id FROM session_midi_players {where}"
                " ORDER BY session_id, participant_id", params):
            found.midi_players[session_id].append(participant_id)
        return found


def _session(row: tuple, details: _Details) -> Session:
    session_id = row[0]
    inputs = tuple(
        SessionInput(number, label, bool(isolated), bool(armed),
                     tuple(details.players.get((session_id, number), ())))
        for number, label, isolated, armed in details.inputs.get(session_id, ()))
    return Session(
        id=session_id, title=row[1], kind=SessionKind(row[2]), date=date.fromisoformat(row[3]),
        therapist=row[4], notes=row[5], template=row[6], tempo_bpm=row[7], count_in_bars=row[8],
        participants=tuple(details.present.get(session_id, ())), inputs=inputs,
        take_count=row[9], midi_port=row[10],
        midi_players=tuple(details.midi_players.get(session_id, ())), group_id=row[11],
    )


def _clean_title(title: str) -> str:
    cleaned = one_line(title, _("A session title"))
    if not cleaned:
        raise InputError(_("A session needs a title."))
    return cleaned
