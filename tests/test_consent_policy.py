"""The consent policy: examples of each rule, and properties over any ledger and any tracks."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mt_studio.core.consent_policy import (
    CLOCK_TOLERANCE,
    ConsentState,
    consent_status,
    credit_choice,
    heard_on,
    may_export,
    may_record,
    stamped_ahead,
)
from mt_studio.core.domain import ConsentAction, ConsentEvent, Credit, Purpose, TrackPlan

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
OLA, KARI, NILS = 1, 2, 3
NAMES = {OLA: "Ola", KARI: "Kari", NILS: "Nils"}


def grant(who, purpose, at=T0, until=None, credit=None):
    return ConsentEvent(who, purpose, ConsentAction.GRANT, at, until, credit)


def withdraw(who, purpose, at):
    return ConsentEvent(who, purpose, ConsentAction.WITHDRAW, at)


def room(key="room", *owners):
    return TrackPlan(key, frozenset(owners), isolated=False)


def isolated(key, owner):
    return TrackPlan(key, frozenset({owner}), isolated=True)


@pytest.fixture
def local_zone(monkeypatch):
    """Run in Oslo time, where local and UTC days differ around midnight."""
    monkeypatch.setenv("TZ", "Europe/Oslo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# Examples, one per rule.

def test_never_granted_blocks_and_says_so():
    decision = may_export([room()], {OLA}, Purpose.COMMUNITY, [], T0)
    assert not decision.allowed
    assert decision.describe(NAMES) == "Ola has never given consent to community"


def test_expiry_counts_the_last_valid_day_as_valid():
    ledger = [grant(OLA, Purpose.GROUP, until=date(2026, 11, 30))]
    last_day = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    assert consent_status(ledger, OLA, Purpose.GROUP, last_day).valid
    status = consent_status(ledger, OLA, Purpose.GROUP, last_day + timedelta(minutes=1))
    assert status.state is ConsentState.EXPIRED and status.since == date(2026, 12, 1)
    decision = may_export([room()], {OLA}, Purpose.GROUP, ledger, last_day + timedelta(days=3))
    assert decision.describe(NAMES) == "Ola's consent to group expired on 1 Dec 2026"


def test_withdrawal_takes_effect_once_written_and_regrant_restores():
    withdrawn_at = T0 + timedelta(days=2)
    regranted_at = T0 + timedelta(days=5)
    ledger = [grant(OLA, Purpose.KEEP), withdraw(OLA, Purpose.KEEP, withdrawn_at),
              grant(OLA, Purpose.KEEP, at=regranted_at)]
    # The ledger as it stood after each row was written.
    assert consent_status(ledger[:1], OLA, Purpose.KEEP, withdrawn_at).valid
    status = consent_status(ledger[:2], OLA, Purpose.KEEP, withdrawn_at)
    assert status.state is ConsentState.WITHDRAWN and status.since == withdrawn_at.date()
    assert may_export([room()], {OLA}, Purpose.KEEP, ledger[:2], T0 + timedelta(days=3)).describe(
        NAMES) == "Ola withdrew consent to keep on 3 Nov 2026"
    assert consent_status(ledger, OLA, Purpose.KEEP, regranted_at).valid


def test_a_withdrawal_written_after_a_grant_from_a_fast_clock_still_holds():
    fast_grant = grant(OLA, Purpose.GROUP, at=T0 + timedelta(minutes=10))
    withdrawal = withdraw(OLA, Purpose.GROUP, T0)
    ledger = [fast_grant, withdrawal]  # written in this order
    for later in (timedelta(minutes=5), timedelta(minutes=11), timedelta(days=30)):
        assert not consent_status(ledger, OLA, Purpose.GROUP, T0 + later).valid


def test_a_withdrawal_from_a_fast_clock_still_holds_once_the_clock_is_right():
    ledger = [grant(OLA, Purpose.GROUP), withdraw(OLA, Purpose.GROUP, T0 + timedelta(days=2))]
    for later in (timedelta(hours=1), timedelta(days=1), timedelta(days=3)):
        status = consent_status(ledger, OLA, Purpose.GROUP, T0 + later)
        assert status.state is ConsentState.WITHDRAWN and status.event is ledger[-1]
    # It began no later than the day it is asked about, whatever the stamp says.
    assert consent_status(ledger, OLA, Purpose.GROUP, T0).since == T0.date()
    assert not stamped_ahead(ledger[-1], T0 + timedelta(days=2) - CLOCK_TOLERANCE)
    assert stamped_ahead(ledger[-1], T0 + timedelta(days=1))


def test_a_grant_from_a_slow_clock_counts_from_when_it_is_written():
    ledger = [withdraw(OLA, Purpose.GROUP, T0), grant(OLA, Purpose.GROUP, T0 - timedelta(days=9))]
    assert consent_status(ledger, OLA, Purpose.GROUP, T0).valid
    assert credit_choice([grant(OLA, Purpose.GROUP, credit=Credit.NAME),
                          grant(OLA, Purpose.KEEP, at=T0 - timedelta(days=9),
                                credit=Credit.NONE)], OLA) is Credit.NONE


def test_days_are_local_whatever_zone_the_moment_carries(local_zone):
    # Valid through 30 November; 00:30 on 1 December in Oslo is 23:30 on 30 November in UTC.
    ledger = [grant(OLA, Purpose.GROUP, until=date(2026, 11, 30))]
    oslo = datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("Europe/Oslo"))
    for moment in (oslo, oslo.astimezone(UTC)):
        status = consent_status(ledger, OLA, Purpose.GROUP, moment)
        assert status.state is ConsentState.EXPIRED and status.since == date(2026, 12, 1)
    late_grant = [grant(OLA, Purpose.KEEP, at=datetime(2026, 11, 2, 23, 30, tzinfo=UTC))]
    assert consent_status(late_grant, OLA, Purpose.KEEP, oslo).since == date(2026, 11, 3)


def test_an_isolated_track_without_an_owner_is_heard_like_a_room_track():
    ownerless = TrackPlan("in5", frozenset(), isolated=True)
    assert heard_on(ownerless, {OLA}) == {OLA}
    assert not may_export([ownerless], {OLA}, Purpose.PUBLIC, [], T0).allowed
    assert not may_record([ownerless], {OLA}, [], T0).allowed


def test_a_grant_for_one_purpose_does_not_cover_another():
    ledger = [grant(OLA, Purpose.GROUP)]
    assert not may_export([room()], {OLA}, Purpose.COMMUNITY, ledger, T0).allowed


def test_everyone_present_is_heard_on_a_room_track_only_the_owner_on_an_isolated_one():
    assert heard_on(room("mic"), {OLA, KARI}) == {OLA, KARI}
    assert heard_on(isolated("bass", NILS), {OLA, KARI}) == {NILS}


def test_exporting_an_isolated_track_needs_only_its_owner():
    ledger = [grant(NILS, Purpose.COMMUNITY)]
    assert may_export([isolated("bass", NILS)], {OLA, NILS}, Purpose.COMMUNITY, ledger, T0).allowed
    blocked = may_export([isolated("bass", NILS), room("mic")], {OLA, NILS}, Purpose.COMMUNITY,
                         ledger, T0)
    assert [b.participant_id for b in blocked.blockers] == [OLA]


def test_recording_disarms_isolated_inputs_of_someone_without_record():
    ledger = [grant(OLA, Purpose.RECORD), grant(KARI, Purpose.RECORD)]
    tracks = [isolated("in1", OLA), isolated("in2", NILS), isolated("in3", KARI)]
    decision = may_record(tracks, {OLA, KARI, NILS}, ledger, T0)
    assert decision.allowed
    assert decision.armed == ("in1", "in3") and decision.disarmed == ("in2",)


def test_recording_is_refused_when_someone_without_record_would_be_heard_on_a_room_mic():
    ledger = [grant(OLA, Purpose.RECORD)]
    decision = may_record([isolated("in1", OLA), room("in2")], {OLA, KARI}, ledger, T0)
    assert not decision.allowed
    assert decision.describe(NAMES) == "Kari has never given consent to record"
    assert decision.armed == ("in1",)


def test_credit_follows_the_latest_stated_choice_and_defaults_to_none():
    assert credit_choice([], OLA) is Credit.NONE
    ledger = [grant(OLA, Purpose.GROUP, credit=Credit.NAME),
              grant(OLA, Purpose.PUBLIC, at=T0 + timedelta(days=1), credit=Credit.PSEUDONYM),
              grant(OLA, Purpose.KEEP, at=T0 + timedelta(days=2))]
    assert credit_choice(ledger, OLA) is Credit.PSEUDONYM
    assert credit_choice(ledger[:1], OLA) is Credit.NAME


# Properties: an independent, deliberately simple reading of the rules, compared with the policy.

PEOPLE = st.integers(min_value=1, max_value=4)
ZONES = st.sampled_from([UTC, ZoneInfo("Europe/Oslo"), ZoneInfo("Pacific/Kiritimati"),
                         ZoneInfo("America/Los_Angeles")])
MOMENTS = st.builds(lambda hours, zone: (T0 + timedelta(hours=hours)).astimezone(zone),
                    st.integers(min_value=0, max_value=240), ZONES)
events = st.builds(
    ConsentEvent,
    participant_id=PEOPLE,
    purpose=st.sampled_from(Purpose),
    action=st.sampled_from(ConsentAction),
    at=MOMENTS,
    valid_until=st.none() | st.integers(0, 12).map(lambda d: T0.date() + timedelta(days=d)),
).map(lambda e: e if e.action is ConsentAction.GRANT else
      ConsentEvent(e.participant_id, e.purpose, e.action, e.at))
tracks = st.lists(
    st.tuples(st.frozensets(PEOPLE, max_size=2), st.booleans()), max_size=5
).map(lambda specs: [TrackPlan(f"track{n}", owners, iso) for n, (owners, iso) in enumerate(specs)])


def valid_by_hand(ledger, who, purpose, at):
    """Written order decides, whatever the stamps; days are local calendar days."""
    rows = [e for e in ledger if e.participant_id == who and e.purpose == purpose]
    if not rows:
        return False
    last = rows[-1]
    if last.action is ConsentAction.WITHDRAW:
        return False
    return last.valid_until is None or at.astimezone().date() <= last.valid_until


def heard_by_hand(track, present):
    if track.isolated and track.owners:
        return set(track.owners)
    return set(track.owners) | set(present)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ledger=st.lists(events, max_size=25), export=tracks, present=st.frozensets(PEOPLE),
       purpose=st.sampled_from(Purpose), at=MOMENTS)
def test_no_export_lets_a_track_through_when_someone_heard_lacks_a_valid_consent(
        local_zone, ledger, export, present, purpose, at):
    decision = may_export(export, present, purpose, ledger, at)
    heard = set().union(*(heard_by_hand(t, present) for t in export)) if export else set()
    lacking = {p for p in heard if not valid_by_hand(ledger, p, purpose, at)}
    assert decision.allowed == (not lacking)
    assert {b.participant_id for b in decision.blockers} == lacking
    assert all(b.purpose is purpose for b in decision.blockers)


@settings(max_examples=400, deadline=None)
@given(ledger=st.lists(events, max_size=25), plan=tracks, present=st.frozensets(PEOPLE),
       at=MOMENTS)
def test_nothing_is_recorded_from_someone_without_record(ledger, plan, present, at):
    decision = may_record(plan, present, ledger, at)
    lacking = {p for p in range(1, 5) if not valid_by_hand(ledger, p, Purpose.RECORD, at)}
    by_key = {t.key: t for t in plan}
    for key in decision.armed:
        assert not heard_by_hand(by_key[key], present) & lacking
    for key in decision.disarmed:
        assert by_key[key].isolated and by_key[key].owners
        assert heard_by_hand(by_key[key], present) & lacking
    shared = [t for t in plan if not (t.isolated and t.owners)]
    refused_by = {p for t in shared for p in heard_by_hand(t, present) & lacking}
    assert decision.allowed == (not refused_by)
    assert {b.participant_id for b in decision.blockers} == refused_by
    assert set(decision.armed) | set(decision.disarmed) | {
        t.key for t in shared if heard_by_hand(t, present) & lacking
    } == set(by_key)


@settings(max_examples=200, deadline=None)
@given(ledger=st.lists(events, max_size=25), who=PEOPLE, purpose=st.sampled_from(Purpose),
       at=MOMENTS)
def test_the_reason_matches_the_last_row_written(ledger, who, purpose, at):
    status = consent_status(ledger, who, purpose, at)
    assert status.valid == valid_by_hand(ledger, who, purpose, at)
    rows = [e for e in ledger if e.participant_id == who and e.purpose == purpose]
    if not rows:
        assert status.state is ConsentState.NEVER_GRANTED and status.since is None
    elif status.state is ConsentState.WITHDRAWN:
        assert status.event.action is ConsentAction.WITHDRAW
    elif status.state is ConsentState.EXPIRED:
        assert status.since == status.event.valid_until + timedelta(days=1)
        assert status.since <= at.astimezone().date()  # both local days


@settings(max_examples=300, deadline=None)
@given(ledger=st.lists(events, max_size=25), who=PEOPLE, purpose=st.sampled_from(Purpose),
       at=MOMENTS, data=st.data())
def test_the_last_row_written_decides_whatever_the_stamps(ledger, who, purpose, at, data):
    """Stamps from clocks that ran ahead or behind, up to a year either way, change nothing but
    the day a state is said to have begun."""
    skews = data.draw(st.lists(st.integers(-366 * 24, 366 * 24), min_size=len(ledger),
                               max_size=len(ledger)))
    skewed = [replace(e, at=e.at + timedelta(hours=skew))
              for e, skew in zip(ledger, skews, strict=True)]
    before, after = (consent_status(rows, who, purpose, at) for rows in (ledger, skewed))
    assert (before.state, before.valid_until) == (after.state, after.valid_until)
    assert after.since is None or after.since <= at.astimezone().date()
    mine = [e for e in skewed if e.participant_id == who and e.purpose == purpose]
    assert after.event == (mine[-1] if mine else None)
