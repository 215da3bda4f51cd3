"""Who may have stopped coming (core/stopped_coming.py): worked examples, and properties over
any service history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mt_studio.core.domain import SessionKind
from mt_studio.core.domain.groups import (
    Answer,
    CourseEvent,
    CourseMark,
    DropoutRules,
    Group,
    GroupKind,
    Membership,
    StopSign,
)
from mt_studio.core.domain.history import HeldSession, ServiceHistory, ended_on
from mt_studio.core.stopped_coming import may_have_stopped

D0 = date(2026, 1, 5)  # a Monday
CREATED = datetime(2026, 1, 1, tzinfo=UTC)
PEOPLE = (1, 2, 3, 4)
NAMES = {1: "Ask", 2: "Bris", 3: "Dugg", 4: "Eik"}


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def band(*spells: Membership, group_id: int = 1) -> Group:
    return Group(group_id, f"Band {group_id}", GroupKind.BAND, CREATED, spells)


def member(who: int, joined: int = 0, left: int | None = None) -> Membership:
    return Membership(who, NAMES[who], day(joined), None if left is None else day(left))


def individual(session_id: int, n: int, who: int) -> HeldSession:
    return HeldSession(session_id, day(n), SessionKind.INDIVIDUAL, None, frozenset({who}))


def rehearsal(session_id: int, n: int, *present: int, group_id: int = 1) -> HeldSession:
    return HeldSession(session_id, day(n), SessionKind.BAND, group_id, frozenset(present))


def history(sessions=(), groups=(), events=()) -> ServiceHistory:
    return ServiceHistory(tuple(sorted(sessions, key=lambda s: (s.day, s.id))), tuple(groups),
                          tuple(events), dict(NAMES))


def mark(event_id: int, who: int, kind: CourseMark, n: int, reason: str | None = None):
    return CourseEvent(event_id, who, kind, day(n), reason)


def flags(found) -> dict[int, tuple[StopSign, int | None]]:
    return {f.participant_id: (f.sign, f.group_id) for f in found}


# -- worked examples -----------------------------------------------------------------------

def test_six_weeks_without_an_individual_session_after_coming_twice():
    story = history([individual(1, 0, 1), individual(2, 7, 1)])
    assert flags(may_have_stopped(story, day(7 + 41))) == {}
    [found] = may_have_stopped(story, day(7 + 42))
    assert (found.participant_id, found.pseudonym, found.sign, found.last_came) == (
        1, "Ask", StopSign.NO_INDIVIDUAL, day(7))


def test_three_band_sessions_missed_in_a_row_sent_word_or_not():
    sessions = [rehearsal(1, 0, 1, 2), rehearsal(2, 7, 1, 2), rehearsal(3, 14, 2),
                rehearsal(4, 21, 2), rehearsal(5, 28, 2)]
    sessions[3] = replace(sessions[3], answers={1: Answer.SENT_WORD})
    story = history(sessions, [band(member(1), member(2))])
    assert flags(may_have_stopped(story, day(21))) == {}
    [found] = may_have_stopped(story, day(28))
    assert (found.participant_id, found.sign, found.group_id, found.group_name,
            found.last_came) == (1, StopSign.MISSED_GROUP, 1, "Band 1", day(7))


def test_someone_who_came_once_is_never_flagged():
    once = [individual(1, 0, 1), rehearsal(2, 0, 2), rehearsal(3, 7), rehearsal(4, 14),
            rehearsal(5, 21)]
    assert flags(may_have_stopped(history(once, [band(member(2))]), day(100))) == {}
    twice = [*once, rehearsal(6, 1, 2), individual(7, 1, 1)]
    assert flags(may_have_stopped(history(twice, [band(member(2))]), day(100))) == {
        1: (StopSign.NO_INDIVIDUAL, None), 2: (StopSign.MISSED_GROUP, 1)}


def test_sessions_before_someone_joined_or_after_they_left_are_not_missed():
    sessions = [individual(1, 0, 1), individual(2, 7, 1), *(rehearsal(n, 7 * n, 2)
                                                            for n in (3, 4, 5))]
    joined_late = history(sessions, [band(member(1, joined=40), member(2))])
    assert flags(may_have_stopped(joined_late, day(41))) == {}
    joined_early = history(sessions, [band(member(1, joined=20), member(2))])
    assert flags(may_have_stopped(joined_early, day(41))) == {1: (StopSign.MISSED_GROUP, 1)}
    left = history(sessions, [band(member(1, joined=0, left=20), member(2)),
                              band(member(1, joined=30), group_id=2)])
    assert flags(may_have_stopped(left, day(41))) == {}  # in band 2 now, which has not met


def test_the_count_starts_again_from_a_new_beginning_or_still_with_us():
    sessions = [individual(1, 0, 1), individual(2, 7, 1)]
    ended = [mark(1, 1, CourseMark.ENDED, 10, "moved_away")]
    assert flags(may_have_stopped(history(sessions, events=ended), day(100))) == {}
    resumed = ended + [mark(2, 1, CourseMark.RESUMED, 60)]
    assert flags(may_have_stopped(history(sessions, events=resumed), day(60 + 41))) == {}
    assert flags(may_have_stopped(history(sessions, events=resumed), day(60 + 42))) == {
        1: (StopSign.NO_INDIVIDUAL, None)}
    still = [mark(1, 1, CourseMark.STILL_WITH_US, 30)]
    assert flags(may_have_stopped(history(sessions, events=still), day(30 + 41))) == {}


def test_the_services_own_preferences():
    sessions = [individual(1, 0, 1), individual(2, 7, 1), rehearsal(3, 7, 2), rehearsal(4, 8, 2),
                rehearsal(5, 14), rehearsal(6, 21)]
    story = history(sessions, [band(member(2))])
    rules = DropoutRules(missed_in_a_row=2, individual_weeks=2)
    assert flags(may_have_stopped(story, day(21), rules)) == {
        1: (StopSign.NO_INDIVIDUAL, None), 2: (StopSign.MISSED_GROUP, 1)}
    assert flags(may_have_stopped(story, day(21))) == {}


def test_someone_in_a_group_who_no_longer_has_individual_sessions_has_not_stopped():
    sessions = [individual(1, 0, 1), individual(2, 7, 1), rehearsal(3, 60, 1)]
    assert flags(may_have_stopped(history(sessions, [band(member(1, joined=50))]),
                                  day(100))) == {}
    assert flags(may_have_stopped(history(sessions), day(100))) == {
        1: (StopSign.NO_INDIVIDUAL, None)}


# -- properties over any history -------------------------------------------------------------

DAYS = 90


@st.composite
def histories(draw) -> tuple[ServiceHistory, date]:
    """A history of up to four people, two groups and a few dozen sessions, and a today. Each
    person may stop coming on a day of their own, and skip a session now and then."""
    stops = {who: draw(st.none() | st.integers(0, DAYS)) for who in PEOPLE}
    groups = []
    for group_id in (1, 2):
        spells = []
        for who in draw(st.sets(st.sampled_from(PEOPLE))):
            joined = draw(st.integers(0, DAYS // 2))
            left = draw(st.integers(joined + 1, DAYS + 10)) if draw(st.integers(0, 3)) == 0 \
                else None
            spells.append(member(who, joined, left))
        groups.append(Group(group_id, f"Group {group_id}",
                            (GroupKind.BAND, GroupKind.CHOIR)[group_id - 1], CREATED,
                            tuple(sorted(spells, key=lambda m: m.joined))))
    sessions = []
    for session_id, (n, group_id, who, skipped) in enumerate(draw(st.lists(st.tuples(
            st.integers(0, DAYS), st.sampled_from((None, 1, 2)), st.sampled_from(PEOPLE),
            st.frozensets(st.sampled_from(PEOPLE), max_size=2)), max_size=40)), start=1):
        coming = {p for p in PEOPLE if stops[p] is None or n < stops[p]} - skipped
        if group_id is None:
            sessions.append(HeldSession(session_id, day(n), SessionKind.INDIVIDUAL, None,
                                        frozenset({who} & coming)))
        else:
            kind = SessionKind(groups[group_id - 1].kind.value)
            sessions.append(HeldSession(session_id, day(n), kind, group_id, frozenset(coming)))
    events = [CourseEvent(event_id, who, kind, day(n), "other" if kind is CourseMark.ENDED
                          else None)
              for event_id, (who, kind, n) in enumerate(draw(st.lists(st.tuples(
                  st.sampled_from(PEOPLE), st.sampled_from(CourseMark), st.integers(0, DAYS)),
                  max_size=4)), start=1)]
    return history(sessions, groups, events), day(draw(st.integers(0, DAYS + 60)))


def came(story: ServiceHistory, who: int, today: date) -> int:
    return sum(1 for s in story.sessions if s.day <= today and who in s.present)


def latest_of(story: ServiceHistory, group_id: int, today: date) -> HeldSession | None:
    held = [s for s in story.sessions if s.group_id == group_id and s.day <= today]
    return held[-1] if held else None


def member_today(story: ServiceHistory, who: int, today: date) -> bool:
    return any(m.participant_id == who and m.covers(today)
               for g in story.groups for m in g.memberships)


def with_session(story: ServiceHistory, session: HeldSession) -> ServiceHistory:
    return replace(story, sessions=tuple(sorted((*story.sessions, session),
                                                key=lambda s: (s.day, s.id))))


RUNS = settings(max_examples=300, deadline=None)


@RUNS
@given(histories())
def test_nobody_with_an_ending_in_force_or_who_came_less_than_twice_is_flagged(drawn):
    story, today = drawn
    for found in may_have_stopped(story, today):
        assert ended_on(story.course_of(found.participant_id), today) is None
        assert came(story, found.participant_id, today) >= 2


@RUNS
@given(histories())
def test_a_member_of_a_group_today_is_never_flagged_for_no_individual_sessions(drawn):
    story, today = drawn
    for found in may_have_stopped(story, today):
        if found.sign is StopSign.NO_INDIVIDUAL:
            assert not member_today(story, found.participant_id, today)


@RUNS
@given(histories())
def test_coming_to_the_groups_latest_session_takes_its_sign_away(drawn):
    story, today = drawn
    for found in may_have_stopped(story, today):
        if found.sign is StopSign.MISSED_GROUP:
            latest = latest_of(story, found.group_id, today)
            came_back = replace(latest, present=latest.present | {found.participant_id})
            changed = replace(story, sessions=tuple(
                came_back if s.id == latest.id else s for s in story.sessions))
            assert (StopSign.MISSED_GROUP, found.group_id) not in {
                (f.sign, f.group_id) for f in may_have_stopped(changed, today)
                if f.participant_id == found.participant_id}


@RUNS
@given(histories())
def test_still_with_us_today_clears_every_flag(drawn):
    story, today = drawn
    found = may_have_stopped(story, today)
    marks = [CourseEvent(1000 + n, f.participant_id, CourseMark.STILL_WITH_US, today)
             for n, f in enumerate(found)]
    after = replace(story, course_events=(*story.course_events, *marks))
    assert may_have_stopped(after, today) == []


@RUNS
@given(histories())
def test_missing_one_more_session_never_takes_a_group_sign_away(drawn):
    story, today = drawn
    for found in may_have_stopped(story, today):
        if found.sign is StopSign.MISSED_GROUP:
            group = next(g for g in story.groups if g.id == found.group_id)
            one_more = HeldSession(max(s.id for s in story.sessions) + 1, today,
                                   SessionKind(group.kind.value), group.id)
            again = flags(may_have_stopped(with_session(story, one_more), today))
            assert again[found.participant_id][0] is StopSign.MISSED_GROUP
