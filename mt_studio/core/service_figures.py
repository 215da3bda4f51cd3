"""The service report's figures for a period, from the service's history (pure: it reads no
library and names nobody; docs/architecture.md, "The service overview")."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from mt_studio.core.domain import SessionKind
from mt_studio.core.domain.groups import DropoutRules, MayHaveStopped
from mt_studio.core.domain.history import HeldSession, ServiceHistory, ended_on, expected_at
from mt_studio.core.domain.service_report import (
    GroupFigures,
    MonthlyAttendance,
    Period,
    QuarterFigures,
    ServiceReport,
)
from mt_studio.core.stopped_coming import DEFAULT_RULES, may_have_stopped

LOST_CONTACT = "lost_contact"
COMMUNITY = "community"
"""The ending reasons the report counts on their own (keys of the service's list)."""


def service_report(history: ServiceHistory, period: Period, *, today: date, made_at: datetime,
                   rules: DropoutRules = DEFAULT_RULES, show_small_counts: bool = False,
                   flagged_today: Sequence[MayHaveStopped] | None = None) -> ServiceReport:
    """The figures for PERIOD (its days both included); drop-outs flagged as of its end, or
    TODAY if that is sooner (FLAGGED_TODAY: who may have stopped on TODAY, if known)."""
    start, end = period.start, period.end
    sessions = [s for s in history.sessions if start <= s.day <= end]
    individual = _came(s for s in sessions if s.kind is SessionKind.INDIVIDUAL)
    grouped = _came(s for s in sessions if s.kind is not SessionKind.INDIVIDUAL)
    first_came: dict[int, date] = {}
    for session in history.sessions:
        for participant_id in session.present:
            first_came.setdefault(participant_id, session.day)
    endings = _endings(history, period)
    reasons = Counter(e.reason for e in endings)
    community = Counter(e.detail or "other" for e in endings if e.reason == COMMUNITY)
    groups_by_id = {g.id: g for g in history.groups}
    figures, monthly = _group_figures(history, sessions, groups_by_id, end)
    exports = Counter(recipient for day, recipient in history.community_exports
                      if start <= day <= end)
    takes = [seconds for day, seconds in history.takes if start <= day <= end]
    as_of = min(end, today)
    return ServiceReport(
        period=period, made_at=made_at,
        individual_participants=len(individual), group_participants=len(grouped),
        both=len(individual & grouped), participants=len(individual | grouped),
        new_starters=sum(1 for day in first_came.values() if start <= day <= end),
        sessions_by_kind={kind.value: sum(1 for s in sessions if s.kind is kind)
                          for kind in SessionKind},
        groups=figures,
        endings_by_reason=dict(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        lost_contact=reasons.get(LOST_CONTACT, 0),
        flagged_not_followed_up=len(flagged_today if flagged_today is not None and as_of == today
                                    else may_have_stopped(history, as_of, rules)),
        community_endings=dict(sorted(community.items())),
        community_exports=dict(sorted(exports.items(), key=lambda item: item[0].casefold())),
        songs_written=sum(1 for day in history.songs_written if start <= day <= end),
        takes_recorded=len(takes), hours_recorded=sum(takes) / 3600,
        quarters=_quarters(sessions, period), attendance_by_month=monthly,
        show_small_counts=show_small_counts)


def _came(sessions) -> set[int]:
    return {participant_id for s in sessions for participant_id in s.present}


def _endings(history: ServiceHistory, period: Period) -> list:
    """Each participant's ending in the period that is still in force at its end."""
    in_force = (ended_on(events, period.end) for events in history.courses.values())
    return [ending for ending in in_force if ending is not None and ending.on >= period.start]


def _group_figures(history, sessions, groups_by_id, end):
    """Each group's figures, and its attendance month by month."""
    ended_among = _ended_lookup(history)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # sessions, present, expected
    months: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for session in sessions:
        group = groups_by_id.get(session.group_id)
        if group is None:
            continue
        members = {m.participant_id for m in group.members_on(session.day)}
        expected = expected_at(session, group, ended_among(session.day, members))
        came = len(session.present & expected)
        tally = counts[group.id]
        tally[0] += 1
        tally[1] += came
        tally[2] += len(expected)
        month = months[(group.id, session.day.replace(day=1))]
        month[0] += came
        month[1] += len(expected)
    at_end = {g.id: {m.participant_id for m in g.members_on(end)} for g in history.groups}
    figures = tuple(
        GroupFigures(g.id, g.name, g.kind.value, *counts[g.id],
                     members_at_end=len(at_end[g.id] - ended_among(end, at_end[g.id])))
        for g in history.groups if g.id in counts or at_end[g.id])
    monthly = tuple(MonthlyAttendance(groups_by_id[group_id].name, month, *tally)
                    for (group_id, month), tally in sorted(
                        months.items(), key=lambda item: (groups_by_id[item[0][0]].name,
                                                          item[0][1])))
    return figures, monthly


def _ended_lookup(history: ServiceHistory):
    """A function of a day and some participants giving those of them who had an ending in
    force then (asked only about a group's members: everyone, on every day, is years of
    history times everyone ever written about)."""
    courses = history.courses

    def ended(day: date, among: set[int]) -> set[int]:
        return {p for p in among if p in courses and ended_on(courses[p], day)}

    return ended


def _quarters(sessions: list[HeldSession], period: Period) -> tuple[QuarterFigures, ...]:
    """Unique participants in each calendar quarter the period touches."""
    found: dict[tuple[int, int], tuple[set[int], set[int]]] = {}
    year, quarter = period.start.year, (period.start.month - 1) // 3 + 1
    while (year, quarter) <= (period.end.year, (period.end.month - 1) // 3 + 1):
        found[(year, quarter)] = (set(), set())
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    for session in sessions:
        individual, grouped = found[(session.day.year, (session.day.month - 1) // 3 + 1)]
        (individual if session.kind is SessionKind.INDIVIDUAL else grouped).update(
            session.present)
    return tuple(QuarterFigures(y, q, len(i), len(g)) for (y, q), (i, g) in found.items())
