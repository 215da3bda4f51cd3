"""The service's own figures for a period, as `studio.service.report` makes them and the
command line, the window and the report files (CSV, spreadsheet, PDF) show them. It names no
participant: only counts, the service's groups and the community groups worked with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

SMALL_COUNT = 3
"""Counts from 1 below this show as "<3" in what leaves the window, unless the admin says not."""


@dataclass(frozen=True)
class Period:
    """The days from START to END, both included."""

    start: date
    end: date


@dataclass(frozen=True)
class GroupFigures:
    """A group's sessions in the period and how they were attended: PRESENT of EXPECTED
    (members that day, and anyone whose answer was written down) came."""

    group_id: int
    name: str
    kind: str
    sessions: int
    present: int
    expected: int
    members_at_end: int

    @property
    def attendance_rate(self) -> float | None:
        """PRESENT / EXPECTED; None when nobody was expected."""
        return self.present / self.expected if self.expected else None


@dataclass(frozen=True)
class QuarterFigures:
    """Unique participants in a calendar quarter (or the part of it in the period)."""

    year: int
    quarter: int  # 1-4
    individual: int
    group: int

    @property
    def label(self) -> str:
        """"2026 Q3"."""
        return f"{self.year} Q{self.quarter}"


@dataclass(frozen=True)
class MonthlyAttendance:
    """A group's attendance in one calendar month: PRESENT of EXPECTED."""

    group_name: str
    month: date  # the first of the month
    present: int
    expected: int

    @property
    def rate(self) -> float | None:
        """PRESENT / EXPECTED; None when nobody was expected."""
        return self.present / self.expected if self.expected else None


@dataclass(frozen=True)
class ServiceReport:
    """The service's figures for PERIOD. Reasons are keys of the service's list of ending
    reasons; REASON_LABELS gives each its words in the language of the day."""

    period: Period
    made_at: datetime
    # People
    individual_participants: int = 0  # came to at least one individual session
    group_participants: int = 0  # came to at least one band or choir session
    both: int = 0
    participants: int = 0  # came to any session
    new_starters: int = 0  # their first session ever was in the period
    # Sessions
    sessions_by_kind: dict[str, int] = field(default_factory=dict)  # band, choir, individual
    groups: tuple[GroupFigures, ...] = ()
    # Endings and drop-outs
    endings_by_reason: dict[str, int] = field(default_factory=dict)
    lost_contact: int = 0  # endings for "lost contact"
    flagged_not_followed_up: int = 0  # may have stopped at the period's end, nothing written
    # The way into community music
    community_endings: dict[str, int] = field(default_factory=dict)  # band, choir, ...
    community_exports: dict[str, int] = field(default_factory=dict)  # by recipient
    # Music made
    songs_written: int = 0
    takes_recorded: int = 0
    hours_recorded: float = 0.0
    # For the charts
    quarters: tuple[QuarterFigures, ...] = ()
    attendance_by_month: tuple[MonthlyAttendance, ...] = ()
    reason_labels: dict[str, str] = field(default_factory=dict)
    detail_labels: dict[str, str] = field(default_factory=dict)
    show_small_counts: bool = False  # the admin's choice for what leaves the window

    @property
    def drop_outs(self) -> int:
        """Lost contact, and flagged without anything written: the service's drop-outs."""
        return self.lost_contact + self.flagged_not_followed_up

    @property
    def community_groups(self) -> tuple[str, ...]:
        """The community groups worked with: the recipients of community exports, sorted."""
        return tuple(sorted(self.community_exports, key=str.casefold))


def shown_count(count: int, *, small_counts: bool) -> str:
    """COUNT as a report file shows it: "<3" for 1 and 2 unless SMALL_COUNTS."""
    if not small_counts and 0 < count < SMALL_COUNT:
        return f"<{SMALL_COUNT}"
    return str(count)
