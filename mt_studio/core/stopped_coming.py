"""Who may have stopped coming (pure, like the consent policy; docs/architecture.md, "The
service overview").

A participant who came to at least two sessions, has no ending in force, and since the last
thing a therapist wrote about their course (ended, resumed, still with us) either

- missed the last MISSED_IN_A_ROW sessions of a group they are a member of today (sent word
  or not), or
- is in no group today and has had no individual session for INDIVIDUAL_WEEKS weeks,

may have stopped. Someone in a group who no longer has individual sessions has not stopped:
their therapy goes on in the group.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from mt_studio.core.domain import SessionKind
from mt_studio.core.domain.groups import DropoutRules, MayHaveStopped, StopSign
from mt_studio.core.domain.history import HeldSession, ServiceHistory, ended_on

DEFAULT_RULES = DropoutRules()


def may_have_stopped(history: ServiceHistory, today: date,
                     rules: DropoutRules = DEFAULT_RULES) -> list[MayHaveStopped]:
    """Everyone who may have stopped coming on TODAY, by pseudonym."""
    held = [s for s in history.sessions if s.day <= today]
    came: dict[int, list[HeldSession]] = defaultdict(list)
    for session in held:
        for participant_id in session.present:
            came[participant_id].append(session)
    by_group: dict[int, list[HeldSession]] = defaultdict(list)
    for session in held:
        if session.group_id is not None:
            by_group[session.group_id].append(session)
    flagged = []
    for participant_id, sessions in came.items():
        if len(sessions) < 2:
            continue
        events = history.course_of(participant_id)
        if ended_on(events, today) is not None:
            continue
        since = max((e.on for e in events if e.on <= today), default=None)
        sign = _sign(participant_id, sessions, history, by_group, today, since, rules)
        if sign is not None:
            kind, group = sign
            flagged.append(MayHaveStopped(
                participant_id, history.pseudonyms.get(participant_id, str(participant_id)),
                kind, sessions[-1].day, group and group.id, group and group.name))
    return sorted(flagged, key=lambda f: f.pseudonym.casefold())


def _sign(participant_id, sessions, history, by_group, today, since, rules):
    """The first sign that PARTICIPANT_ID may have stopped, as (sign, group or None)."""
    groups_now = [g for g in history.groups
                  if any(m.participant_id == participant_id and m.covers(today)
                         for m in g.memberships)]
    for group in groups_now:
        spells = [m for m in group.memberships if m.participant_id == participant_id]
        expected = [s for s in by_group.get(group.id, ())
                    if (since is None or s.day > since)
                    and any(m.covers(s.day) for m in spells)]
        last = expected[-rules.missed_in_a_row:] if rules.missed_in_a_row > 0 else []
        if last and len(last) == rules.missed_in_a_row and all(
                participant_id not in s.present for s in last):
            return StopSign.MISSED_GROUP, group
    if groups_now:
        return None
    individual = [s.day for s in sessions if s.kind is SessionKind.INDIVIDUAL]
    if not individual:
        return None
    quiet_from = max(individual[-1], since) if since is not None else individual[-1]
    if today - quiet_from >= timedelta(weeks=rules.individual_weeks):
        return StopSign.NO_INDIVIDUAL, None
    return None
