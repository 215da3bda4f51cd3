"""A participant's page for their therapist: the sessions they were expected at and how they
answered, their groups, songs and takes, their consent history and their course."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mt_studio.core.domain import ConsentEvent, Participant
from mt_studio.core.domain.groups import Answer, CourseEvent, MayHaveStopped, Membership


@dataclass(frozen=True)
class SessionAnswer:
    """A session someone was expected at, and their answer (None: not written down)."""

    session_id: int
    day: date
    title: str
    kind: str
    group_name: str | None
    answer: Answer | None


@dataclass(frozen=True)
class TakeHeard:
    """A take on which they can be heard."""

    take_id: int
    session_id: int
    day: date
    number: int
    name: str | None


@dataclass(frozen=True)
class ParticipantPage:
    """Everything about one participant a therapist looks at, by pseudonym, newest first."""

    participant: Participant
    sessions: tuple[SessionAnswer, ...] = ()
    groups: tuple[tuple[str, Membership], ...] = ()
    songs: tuple[tuple[int, str], ...] = ()  # (song id, title)
    takes: tuple[TakeHeard, ...] = ()
    consent: tuple[ConsentEvent, ...] = ()
    course: tuple[CourseEvent, ...] = ()
    may_have_stopped: MayHaveStopped | None = None

    @property
    def came(self) -> int:
        """How many sessions they came to."""
        return sum(1 for s in self.sessions if s.answer is Answer.PRESENT)
