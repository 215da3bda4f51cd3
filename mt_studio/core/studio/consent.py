"""Participants and consent: who they are, the ledger, a session's board, and what each take
may still be used for. The rules are the consent policy's (consent_policy, consent_board,
take_restrictions); this reads the library for them and writes the ledger."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.consent_board import BoardRow, board_rows
from mt_studio.core.consent_policy import (
    ConsentStatus,
    credit_choice,
    stamped_ahead,
    states_of,
)
from mt_studio.core.domain import ConsentEvent, Credit, Participant, Purpose
from mt_studio.core.errors import InputError
from mt_studio.core.library import consent_ledger, participants, sessions, songs
from mt_studio.core.library.clock import local_now, utc_now
from mt_studio.core.library.consent_ledger import WithdrawalReport
from mt_studio.core.library.takes import Take
from mt_studio.core.studio.events import AttendanceChanged, ConsentChanged, ParticipantAdded
from mt_studio.core.take_restrictions import TakeRestrictions, restrictions_of
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio

__all__ = ["BoardRow", "ConsentHistory", "ConsentService", "WithdrawalReport"]


@dataclass(frozen=True)
class ConsentHistory:
    """A participant's consent as it stands and how it came to: the STATES of every purpose
    now, their CREDIT choice, the ROWS in the order written (which decides), and the rows
    stamped in the future (AHEAD, by id: written while the clock ran ahead)."""

    participant: Participant
    states: dict[Purpose, ConsentStatus]
    credit: Credit
    rows: tuple[ConsentEvent, ...]
    ahead: frozenset[int]


class ConsentService:
    """What a therapist does with participants and their consent; ParticipantAdded,
    AttendanceChanged and ConsentChanged are announced."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    # -- participants ---------------------------------------------------------------------

    def participants(self, *, real_names: bool = False) -> list[Participant]:
        """Everyone in the library, by pseudonym; their real names only when REAL_NAMES
        (to be shown: that is audited)."""
        with self._studio._reading() as db:
            found = participants.all_participants(db)
        if real_names:
            self._studio.note_read("real_names.shown", "participants")
            return found
        return [person.by_pseudonym() for person in found]

    def pseudonyms(self) -> dict[int, str]:
        """Every participant's pseudonym, by id."""
        with self._studio._reading() as db:
            return participants.pseudonyms(db)

    def find(self, pseudonym: str) -> Participant:
        """The participant called PSEUDONYM (in any case or spelling of it), without their
        real name; InputError."""
        with self._studio._reading() as db:
            return participants.find(db, pseudonym).by_pseudonym()

    def add_participant(self, pseudonym: str, real_name: str | None = None, *,
                        check_in_to: int | None = None) -> Participant:
        """Add a participant (InputError if the pseudonym is taken or not one line), checked
        in to the session CHECK_IN_TO if given."""
        with self._studio._transaction() as tx:
            person = participants.add(tx, pseudonym, real_name)
            self._studio._announce(ParticipantAdded(person.id))
            if check_in_to is not None:
                sessions.check_in(tx, check_in_to, person)
                self._studio._announce(AttendanceChanged(check_in_to))
        return person

    # -- the ledger -----------------------------------------------------------------------

    def ledger(self, participant_ids: Iterable[int] | None = None) -> list[ConsentEvent]:
        """The ledger's rows in the order written, for everyone or for PARTICIPANT_IDS
        (audited: consent shown)."""
        wanted = None if participant_ids is None else sorted(set(participant_ids))
        with self._studio._reading() as db:
            rows = consent_ledger.events(db, wanted)
        if wanted is not None and len(wanted) == 1:
            self._studio.note_read("consent.shown", f"participant:{wanted[0]}", wanted[0])
        else:
            self._studio.note_read("consent.shown", "consent_ledger", participants=wanted)
        return rows

    def current(self, participant_id: int, at: datetime | None = None
                ) -> dict[Purpose, ConsentStatus]:
        """Where a participant stands for every purpose now (or at AT, for expiry)."""
        return states_of(self.ledger([participant_id]), participant_id, at or local_now())

    def history(self, pseudonym: str) -> ConsentHistory:
        """Where the participant called PSEUDONYM stands, and every row of theirs."""
        now = local_now()
        with self._studio._reading() as db:
            person = participants.find(db, pseudonym)
            rows = tuple(consent_ledger.events(db, [person.id]))
        self._studio.note_read("consent.shown", f"participant:{person.id}", person.id)
        return ConsentHistory(person, states_of(rows, person.id, now),
                              credit_choice(rows, person.id), rows,
                              frozenset(e.id for e in rows if stamped_ahead(e, now)))

    def grant(self, participant_id: int, purposes: Sequence[Purpose], *,
              valid_until: date | None = None, witness: str | None = None,
              form_version: str | None = None, credit: Credit | None = None
              ) -> list[ConsentEvent]:
        """Record consent for PURPOSES, with witness and form version; InputError for a last
        valid day already past or text that is not one line."""
        with self._studio._transaction() as tx:
            person = participants.get(tx, participant_id)
            written = consent_ledger.grant(tx, person, purposes, valid_until=valid_until,
                                           witness=witness, form_version=form_version,
                                           credit=credit)
            self._studio._announce(ConsentChanged(participant_id))
        return written

    def withdraw(self, participant_id: int, purposes: Sequence[Purpose], *,
                 reason: str | None = None) -> WithdrawalReport:
        """Withdraw consent for PURPOSES, in effect at once; what it touches (takes now
        restricted, earlier exports and lead sheets to ask back)."""
        with self._studio._transaction() as tx:
            person = participants.get(tx, participant_id)
            _check_reason_names_nobody(reason, person)
            before = states_of(consent_ledger.events(tx, [participant_id]), participant_id,
                               local_now())
            report = consent_ledger.withdraw(tx, person, purposes, reason=reason)
            report = replace(report, valid_before=tuple(
                e.purpose for e in report.events if before[e.purpose].valid))
            self._studio._announce(ConsentChanged(participant_id))
        return report

    # -- what the rules make of it --------------------------------------------------------

    def board(self, session_id: int, at: datetime | None = None) -> list[BoardRow]:
        """The check-in and consent board of a session: a row per participant present."""
        with self._studio._reading() as db:
            present = sessions.get(db, session_id).participants
            ledger = consent_ledger.events(db, [p.id for p in present]) if present else []
        self._studio.note_read("consent.shown", f"session:{session_id}")
        return board_rows(present, ledger, at or local_now())

    def restrictions(self, found: Sequence[Take], at: datetime | None = None
                     ) -> dict[int, TakeRestrictions]:
        """What each of FOUND may still be used for, by take id (the ledger read once)."""
        at = at or utc_now()
        present: dict[int, frozenset[int]] = {}
        with self._studio._reading() as db:  # read, then worked out without holding the lock
            ledger = consent_ledger.events(db)
            for session_id in {take.session_id for take in found}:
                attendance = sessions.get(db, session_id).participants
                present[session_id] = frozenset(p.id for p in attendance)
            writers = {take.id: _writers(db, take.id) for take in found}
        return {take.id: restrictions_of(take.id, {t.id: t.plan() for t in take.tracks},
                                         present[take.session_id], ledger, at,
                                         writers[take.id])
                for take in found}


def _writers(db: Connection, take_id: int) -> frozenset[int]:
    """The writers of the words a lead sheet of the take would carry (none: no words)."""
    linked = songs.for_take(db, take_id)
    if len(linked) != 1 or not linked[0].latest.lyrics.strip():
        return frozenset()
    return frozenset(linked[0].writer_ids)


def _check_reason_names_nobody(reason: str | None, person: Participant) -> None:
    """InputError when a withdrawal's REASON names PERSON: the ledger keeps it for good, even
    once they are erased, so it must not hold their name."""
    from mt_studio.core.export.names import names_in  # the export package loads slowly

    names = [name for name in (person.pseudonym, person.real_name) if name]
    if reason and names_in(reason, names):
        raise InputError(_("The reason names the person withdrawing; the consent ledger keeps "
                           "it for good, so write it without their name. Nothing was "
                           "withdrawn."))
