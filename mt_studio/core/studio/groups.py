"""Groups and who was expected: the service's bands and choirs, their members, and a
session's answers (came, sent word, did not come)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.clock import local_now
from mt_studio.core.domain.groups import Answer, Expected, Group, GroupKind
from mt_studio.core.domain.history import HeldSession, by_day, ended_on, expected_at
from mt_studio.core.domain.sessions import Session
from mt_studio.core.errors import InputError
from mt_studio.core.library import answers, audit, courses, groups, participants, sessions
from mt_studio.core.text import shown
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio

__all__ = ["Answer", "Expected", "Group", "GroupKind", "GroupService"]


class GroupService:
    """What a therapist does with groups and check-in answers; GroupChanged and
    AttendanceChanged are announced."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def all(self) -> list[Group]:
        """Every group with its members (by pseudonym), by name."""
        with self._studio._reading() as db:
            return groups.all_groups(db)

    def find(self, name: str) -> Group:
        """The group called NAME (or with NAME as its id); InputError naming it."""
        with self._studio._reading() as db:
            return groups.find(db, name)

    def get(self, group_id: int) -> Group:
        """The group GROUP_ID; InputError if there is none."""
        with self._studio._reading() as db:
            return groups.get(db, group_id)

    def add(self, name: str, kind: GroupKind, members: Sequence[int] = (),
            on: date | None = None) -> Group:
        """Add a group with MEMBERS (participant ids) joining on ON (default: today)."""
        on = on or local_now().date()
        with self._studio._transaction() as tx:
            group = groups.add(tx, name, GroupKind(kind))
            for participant_id in dict.fromkeys(members):
                group = groups.join(tx, group, participants.get(tx, participant_id), on)
            self._announce(group.id)
        return group

    def join(self, group_id: int, participant_id: int, on: date | None = None) -> Group:
        """PARTICIPANT_ID joins the group from ON (default: today); InputError if they are a
        member then already."""
        with self._studio._transaction() as tx:
            group = groups.join(tx, groups.get(tx, group_id), participants.get(tx, participant_id),
                                on or local_now().date())
            self._announce(group.id)
        return group

    def leave(self, group_id: int, participant_id: int, on: date | None = None) -> Group:
        """PARTICIPANT_ID leaves the group on ON (default: today); its sessions from that day
        no longer expect them."""
        with self._studio._transaction() as tx:
            group = groups.leave(tx, groups.get(tx, group_id),
                                 participants.get(tx, participant_id), on or local_now().date())
            self._announce(group.id)
        return group

    def expected(self, session_id: int) -> list[Expected]:
        """Who was expected at the session (its group's members that day, anyone who came or
        whose answer was written down), with their answers, by pseudonym."""
        with self._studio._reading() as db:
            session = sessions.get(db, session_id)
            return _expected(db, session)

    def attend(self, session_id: int, present: Sequence[int], sent_word: Sequence[int] = (),
               absent: Sequence[int] = ()) -> list[Expected]:
        """Write who came (exactly PRESENT: see `sessions.check_out` for who cannot be taken
        off), who sent word and who did not come; a member of the session's group named in
        none of them did not come. InputError naming someone given twice."""
        lists = {Answer.PRESENT: present, Answer.SENT_WORD: sent_word, Answer.ABSENT: absent}
        given: dict[int, Answer] = {}
        with self._studio._transaction() as tx:
            for answer, ids in lists.items():
                for participant_id in ids:
                    person = participants.get(tx, participant_id)
                    if given.setdefault(participant_id, answer) is not answer:
                        raise InputError(_("{who} is given as both {one} and {other}.").format(
                            who=shown(person.pseudonym), one=_answer_word(given[participant_id]),
                            other=_answer_word(answer)))
            session = sessions.set_attendance(
                tx, session_id, [participants.get(tx, p) for p in dict.fromkeys(present)])
            missing = {e.participant_id: Answer.ABSENT for e in _expected(tx, session)
                       if e.answer is None and e.participant_id not in given}
            told = {p: a for p, a in given.items() if a is not Answer.PRESENT}
            answers.replace(tx, session_id, {**missing, **told})
            audit.record(tx, "session.answers", f"session:{session_id}",
                         present=len(session.participants),
                         sent_word=sum(1 for a in told.values() if a is Answer.SENT_WORD),
                         absent=len(missing) + sum(1 for a in told.values()
                                                   if a is Answer.ABSENT))
            self._studio._announce(_events().AttendanceChanged(session_id))
            return _expected(tx, sessions.get(tx, session_id))

    def _announce(self, group_id: int) -> None:
        self._studio._announce(_events().GroupChanged(group_id))


def expected_members(db: Connection, group: Group, on: date) -> list[int]:
    """The members of GROUP on ON whose course has not ended: who a new session of it expects."""
    ended = _ended(db, group, on)
    return [m.participant_id for m in group.members_on(on) if m.participant_id not in ended]


def _expected(db: Connection, session: Session) -> list[Expected]:
    told = answers.of_session(db, session.id)
    group = groups.get(db, session.group_id) if session.group_id else None
    held = HeldSession(session.id, session.date, session.kind, session.group_id,
                       frozenset(p.id for p in session.participants), told)
    ended = _ended(db, group, session.date) if group is not None else set()
    names = participants.pseudonyms(db)
    found = [Expected(p, names[p], Answer.PRESENT if p in held.present else told.get(p))
             for p in expected_at(held, group, ended)]
    return sorted(found, key=lambda e: e.pseudonym.casefold())


def _ended(db: Connection, group: Group, on: date) -> set[int]:
    """The members of GROUP on ON whose course had ended by then."""
    ended = set()
    for member in {m.participant_id for m in group.members_on(on)}:
        if ended_on(by_day(courses.events(db, member)), on):
            ended.add(member)
    return ended


def _answer_word(answer: Answer) -> str:
    return {Answer.PRESENT: _("present"), Answer.SENT_WORD: _("sent word"),
            Answer.ABSENT: _("did not come")}[answer]


def _events():
    from mt_studio.core.studio import events

    return events
