"""A service's history as the overview reads it: every session with who came and who was
expected, the groups, the course marks, and what was made and shared; plain values, so that
the rules (core/stopped_coming.py) and the figures (core/service_figures.py) read no library."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from mt_studio.core.domain import SessionKind
from mt_studio.core.domain.groups import Answer, CourseEvent, CourseMark, Group


@dataclass(frozen=True)
class HeldSession:
    """A session on DAY: its kind, its group (if any), who came and the written answers of
    those who did not (sent word, absent)."""

    id: int
    day: date
    kind: SessionKind
    group_id: int | None = None
    present: frozenset[int] = frozenset()
    answers: dict[int, Answer] = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceHistory:
    """Everything the overview counts, sessions by day. Only the flag list names people, by
    PSEUDONYMS; the report counts."""

    sessions: tuple[HeldSession, ...] = ()
    groups: tuple[Group, ...] = ()
    course_events: tuple[CourseEvent, ...] = ()
    pseudonyms: dict[int, str] = field(default_factory=dict)
    community_exports: tuple[tuple[date, str], ...] = ()  # (day, recipient)
    songs_written: tuple[date, ...] = ()
    takes: tuple[tuple[date, float], ...] = ()  # (day, seconds recorded)

    @cached_property
    def courses(self) -> dict[int, tuple[CourseEvent, ...]]:
        """Each participant's course marks by day (see `by_day`), by participant id; made
        once."""
        written: dict[int, list[CourseEvent]] = defaultdict(list)
        for event in by_day(self.course_events):
            written[event.participant_id].append(event)
        return {participant_id: tuple(events) for participant_id, events in written.items()}

    def course_of(self, participant_id: int) -> tuple[CourseEvent, ...]:
        """PARTICIPANT_ID's course marks, by day (then as written)."""
        return self.courses.get(participant_id, ())


def by_day(events: Iterable[CourseEvent]) -> tuple[CourseEvent, ...]:
    """Course marks in the order that decides which is in force: by day, then as written."""
    return tuple(sorted(events, key=lambda e: (e.on, e.id)))


def ended_on(events: tuple[CourseEvent, ...], day: date) -> CourseEvent | None:
    """The ending in force on DAY among a participant's EVENTS (sorted by day): the last
    ending or new beginning on or before DAY, if it is an ending."""
    latest = None
    for event in events:
        if event.on > day:
            break
        if event.mark in (CourseMark.ENDED, CourseMark.RESUMED):
            latest = event
    return latest if latest is not None and latest.mark is CourseMark.ENDED else None


def expected_at(session: HeldSession, group: Group | None,
                ended: set[int] | frozenset[int] = frozenset()) -> set[int]:
    """Who was expected at SESSION: the members of its GROUP that day but those whose course
    had ENDED, anyone who came, and anyone whose answer was written down."""
    members = set()
    if group is not None:
        members = {m.participant_id for m in group.members_on(session.day)} - ended
    return members | session.present | set(session.answers)
