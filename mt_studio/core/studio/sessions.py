"""Sessions and check-in: the sessions listed, made and edited, who is present, and each
session's set-up (its inputs, who plays into them, its MIDI keyboard)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.domain import Participant, SessionKind
from mt_studio.core.errors import InputError
from mt_studio.core.library import participants, sessions
from mt_studio.core.library.sessions import KEEP, Session, SessionInput
from mt_studio.core.text import shown
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.library.takes import Take
    from mt_studio.core.presets.model import SessionTemplate
    from mt_studio.core.studio.studio import Studio

__all__ = ["KEEP", "Session", "SessionInput", "SessionService"]


class SessionService:
    """What a therapist does with sessions; SessionChanged, AttendanceChanged and SetupChanged
    are announced."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def all(self) -> list[Session]:
        """Every session, newest first (who was present by pseudonym only)."""
        with self._studio._reading() as db:
            return [_by_pseudonym(session) for session in sessions.all_sessions(db)]

    def get(self, session_id: int) -> Session:
        """The session SESSION_ID (who was present by pseudonym only); InputError if there
        is none."""
        with self._studio._reading() as db:
            return _by_pseudonym(sessions.get(db, session_id))

    def takes(self, session_id: int) -> list[Take]:
        """The session's takes, first recorded first."""
        # Imported here: the window lists the sessions first, and a take's types take 5 ms.
        from mt_studio.core.library import takes

        with self._studio._reading() as db:
            return takes.for_session(db, session_id)

    def create(self, title: str, kind: SessionKind | None, *, on: date,
               present: Sequence[int] | None = None, template: SessionTemplate | None = None,
               therapist: str | None = None, notes: str = "", tempo_bpm: float | None = None,
               count_in_bars: int = 0, inputs: Sequence[SessionInput] = (),
               group_id: int | None = None) -> Session:
        """Make a session with PRESENT (participant ids) checked in, laid out as TEMPLATE if
        one is given (its kind unless KIND), else with the kind, tempo, count-in and inputs
        given. A session of GROUP_ID is of the group's kind unless KIND, and has the group's
        members that day present unless PRESENT says who came."""
        with self._studio._transaction() as tx:
            if group_id is not None:
                from mt_studio.core.library import groups  # not loaded to list the sessions
                from mt_studio.core.studio.groups import expected_members

                group = groups.get(tx, group_id)
                kind = kind or SessionKind(group.kind.value)
                if kind is SessionKind.INDIVIDUAL:
                    raise InputError(_("{group} is a group: its sessions are not individual "
                                       "sessions.").format(group=shown(group.name)))
                if present is None:
                    present = expected_members(tx, group, on)
            people = _people(tx, present or ())
            if template is not None:  # laid out as the template: tempo, count-in, inputs
                session = sessions.create(
                    tx, title, kind or template.session_kind, on=on, participants=people,
                    therapist=therapist, notes=notes, template=template.name,
                    tempo_bpm=template.tempo_bpm, count_in_bars=template.count_in_bars,
                    inputs=[SessionInput(i.number, i.label, i.isolated, i.armed)
                            for i in template.inputs], group_id=group_id)
            else:
                if kind is None:
                    raise InputError(_("A session needs a kind (band, choir or individual), a "
                                       "group or a template."))
                session = sessions.create(
                    tx, title, kind, on=on, participants=people, therapist=therapist,
                    notes=notes, tempo_bpm=tempo_bpm, count_in_bars=count_in_bars,
                    inputs=inputs, group_id=group_id)
            self._studio._announce(_events().SessionChanged(session.id))
        return session

    def edit(self, session_id: int, *, present: Sequence[int] | None = None,
             **fields: object) -> Session:
        """Change FIELDS (title, kind, on, therapist, notes) and, if given, who is PRESENT."""
        with self._studio._transaction() as tx:
            session = sessions.edit(tx, session_id, **fields)
            if present is not None:
                session = sessions.set_attendance(tx, session_id, _people(tx, present))
                self._studio._announce(_events().AttendanceChanged(session_id))
            self._studio._announce(_events().SessionChanged(session_id))
        return session

    def check_in(self, session_id: int, participant_id: int) -> bool:
        """Mark a participant present; False if they already were."""
        with self._studio._transaction() as tx:
            changed = sessions.check_in(tx, session_id, participants.get(tx, participant_id))
            self._studio._announce(_events().AttendanceChanged(session_id))
        return changed

    def check_out(self, session_id: int, participant_id: int) -> bool:
        """Take a participant off the session's list; InputError says why it may not be."""
        with self._studio._transaction() as tx:
            changed = sessions.check_out(tx, session_id, participants.get(tx, participant_id))
            self._studio._announce(_events().AttendanceChanged(session_id))
        return changed

    def keep_setup(self, session_id: int, inputs: Sequence[SessionInput], *,
                   midi_players: Sequence[int] = (), midi_port: object = KEEP) -> Session:
        """Keep the session's set-up: INPUTS, who plays the MIDI keyboard and, unless KEEP,
        its port (None: no keyboard)."""
        with self._studio._transaction() as tx:
            session = sessions.keep_setup(tx, session_id, inputs, midi_players=midi_players,
                                          midi_port=midi_port)
            self._studio._announce(_events().SetupChanged(session_id))
        return session

    def create_demo(self) -> int:
        """Make the demo session (made-up people, a synthesized take); its id. It writes
        about 18 MB: call it from a worker."""
        from mt_studio.core.demo import synthesize_song
        from mt_studio.core.studio import encryption
        from mt_studio.core.studio.demo import create_demo_session

        self._studio._refuse_if_read_only()  # its transaction is its own, not the studio's
        song = synthesize_song()  # before the lock: nobody waits for the music to be made
        with self._studio._reading(), self._studio._acting():  # a transaction of its own
            session_id = create_demo_session(
                self._studio._library, song,
                lambda tx, take_id: encryption.new_take_key(self._studio, tx, take_id))
        self._studio._announce(_events().SessionChanged(session_id))
        return session_id


def _events():
    """The studio's events, loaded with the first change rather than with the sessions' list."""
    from mt_studio.core.studio import events

    return events


def _people(db: Connection, ids: Sequence[int]) -> list[Participant]:
    """The participants with IDS, each once; InputError naming an unknown id."""
    return [participants.get(db, participant_id) for participant_id in dict.fromkeys(ids)]


def _by_pseudonym(session: Session) -> Session:
    if not any(p.real_name for p in session.participants):
        return session
    return replace(session, participants=tuple(p.by_pseudonym() for p in session.participants))
