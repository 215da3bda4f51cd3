"""Groups, attendance and endings as the service overview sees them: a band or choir with its
members, who was expected at a session and how they answered, a participant's ending and the
"may have stopped" flag (docs/architecture.md, "The service overview")."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime


class GroupKind(enum.StrEnum):
    """What a group plays as; its sessions are of the same kind."""

    BAND = "band"
    CHOIR = "choir"


class Answer(enum.StrEnum):
    """How someone expected at a session answered: came, sent word, or did not come."""

    PRESENT = "present"
    SENT_WORD = "sent_word"
    ABSENT = "absent"


@dataclass(frozen=True)
class Membership:
    """A spell of a participant in a group: from JOINED to LEFT (None: still a member); a day
    of the group's sessions counts when JOINED <= day and (LEFT is None or day < LEFT)."""

    participant_id: int
    pseudonym: str
    joined: date
    left: date | None = None

    def covers(self, day: date) -> bool:
        """Whether they were a member on DAY."""
        return self.joined <= day and (self.left is None or day < self.left)


@dataclass(frozen=True)
class Group:
    """A band or choir: its name, kind and every spell of membership, first joined first."""

    id: int
    name: str
    kind: GroupKind
    created_at: datetime
    memberships: tuple[Membership, ...] = ()

    def members_on(self, day: date) -> tuple[Membership, ...]:
        """The spells that make someone a member on DAY."""
        return tuple(m for m in self.memberships if m.covers(day))


@dataclass(frozen=True)
class Expected:
    """Someone expected at a session (a member of its group that day, or anyone whose answer
    was written down) and their answer; None: nobody wrote it down, which counts as absent."""

    participant_id: int
    pseudonym: str
    answer: Answer | None


class CourseMark(enum.StrEnum):
    """What a therapist writes about a participant's course: it ended, it began again after
    an ending, or they are still with us although the flag said they may have stopped."""

    ENDED = "ended"
    RESUMED = "resumed"
    STILL_WITH_US = "still_with_us"


@dataclass(frozen=True)
class CourseEvent:
    """One of a participant's course marks, on the local day ON. An ending has a REASON (a key
    of the service's list of ending reasons), perhaps a DETAIL (for music in the community:
    band, choir, music school or other) and a short NOTE."""

    id: int
    participant_id: int
    mark: CourseMark
    on: date
    reason: str | None = None
    detail: str | None = None
    note: str = ""
    at: datetime | None = None
    by: str | None = None  # the account's name; None in a library without accounts


@dataclass(frozen=True)
class DropoutRules:
    """The service's preferences for "may have stopped": MISSED_IN_A_ROW of a group's sessions
    missed, or INDIVIDUAL_WEEKS without an individual session, after coming at least twice."""

    missed_in_a_row: int = 3
    individual_weeks: int = 6


class StopSign(enum.StrEnum):
    """Why someone may have stopped coming."""

    MISSED_GROUP = "missed_group"
    NO_INDIVIDUAL = "no_individual"


@dataclass(frozen=True)
class MayHaveStopped:
    """A participant who may have stopped coming: the sign, the group they missed (its id and
    name) or the day of their last individual session, and the last day they came."""

    participant_id: int
    pseudonym: str
    sign: StopSign
    last_came: date
    group_id: int | None = None
    group_name: str | None = None
