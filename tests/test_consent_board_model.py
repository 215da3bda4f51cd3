"""The consent board's chips: granted, expires soon, expired, withdrawn, never; and credit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mt_studio.core.consent_board import (
    EXPIRES_SOON_DAYS,
    ChipState,
    board_rows,
    chip_state,
)
from mt_studio.core.consent_policy import (
    CLOCK_TOLERANCE,
    ConsentState,
    ConsentStatus,
    may_export,
)
from mt_studio.core.domain import (
    ConsentAction,
    ConsentEvent,
    Credit,
    Participant,
    Purpose,
    SessionKind,
    TrackPlan,
)
from mt_studio.core.library import consent_ledger, participants, sessions
from tests.conftest import studio_of

NOON = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
OLA = Participant(1, "Ola")
KARI = Participant(2, "Kari", "Kari Nordmann")


def grant(purpose: Purpose, at: datetime, until: date | None = None, **extra) -> ConsentEvent:
    return ConsentEvent(OLA.id, purpose, ConsentAction.GRANT, at, until, **extra)


def granted_until(until: date | None) -> ConsentStatus:
    return ConsentStatus(OLA.id, Purpose.KEEP, ConsentState.GRANTED, date(2026, 1, 1), until)


@pytest.mark.parametrize(("days_left", "expected"), [
    (None, ChipState.GRANTED),
    (0, ChipState.EXPIRES_SOON),  # today is the last valid day
    (EXPIRES_SOON_DAYS - 1, ChipState.EXPIRES_SOON),  # no longer valid in 14 days
    (EXPIRES_SOON_DAYS, ChipState.GRANTED),
    (365, ChipState.GRANTED),
])
def test_a_valid_consent_expires_soon_when_it_ends_within_fourteen_days(days_left, expected):
    today = date(2026, 11, 2)
    until = None if days_left is None else today + timedelta(days=days_left)
    assert chip_state(granted_until(until), today) is expected


@pytest.mark.parametrize(("state", "expected"), [
    (ConsentState.EXPIRED, ChipState.EXPIRED),
    (ConsentState.WITHDRAWN, ChipState.WITHDRAWN),
    (ConsentState.NEVER_GRANTED, ChipState.NEVER),
])
def test_states_that_are_not_valid_map_to_their_own_chip(state, expected):
    assert chip_state(ConsentStatus(OLA.id, Purpose.PUBLIC, state), date(2026, 11, 2)) is expected


def test_each_present_participant_has_one_chip_per_purpose_with_its_details():
    ledger = [
        grant(Purpose.RECORD, NOON - timedelta(days=30), witness="Therapist A",
              form_version="v3", credit=Credit.PSEUDONYM),
        grant(Purpose.KEEP, NOON - timedelta(days=30), date(2026, 11, 10)),
        grant(Purpose.GROUP, NOON - timedelta(days=60), date(2026, 10, 31)),
        grant(Purpose.COMMUNITY, NOON - timedelta(days=30)),
        ConsentEvent(OLA.id, Purpose.COMMUNITY, ConsentAction.WITHDRAW, NOON - timedelta(days=1),
                     reason="moved away"),
    ]
    ola, kari = board_rows([OLA, KARI], ledger, NOON)
    assert ola.participant == OLA and kari.participant == KARI
    assert [chip.purpose for chip in ola.chips] == list(Purpose)
    assert {chip.purpose: chip.state for chip in ola.chips} == {
        Purpose.RECORD: ChipState.GRANTED,
        Purpose.KEEP: ChipState.EXPIRES_SOON,
        Purpose.SUPERVISION: ChipState.NEVER,
        Purpose.GROUP: ChipState.EXPIRED,
        Purpose.COMMUNITY: ChipState.WITHDRAWN,
        Purpose.PUBLIC: ChipState.NEVER,
    }
    record = ola.chip(Purpose.RECORD)
    assert (record.witness, record.form_version, record.valid) == ("Therapist A", "v3", True)
    assert record.since == date(2026, 10, 3)
    assert ola.chip(Purpose.KEEP).valid and ola.chip(Purpose.KEEP).valid_until == date(2026, 11, 10)
    assert ola.chip(Purpose.GROUP).since == date(2026, 11, 1)  # the first day no longer valid
    assert ola.chip(Purpose.COMMUNITY).reason == "moved away"
    assert not ola.chip(Purpose.COMMUNITY).valid
    assert ola.credit is Credit.PSEUDONYM
    assert all(chip.state is ChipState.NEVER for chip in kari.chips)
    assert kari.credit is Credit.NONE


def test_the_board_of_a_session_shows_who_is_present_through_the_studio(library):
    db = library.connection
    board = studio_of(library).consent.board
    ola = participants.add(db, "Ola")
    kari = participants.add(db, "Kari", "Kari Nordmann")
    participants.add(db, "Nils")  # not present: not on the board
    band = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 11, 3),
                           participants=[ola, kari])
    consent_ledger.grant(db, kari, [Purpose.RECORD], credit=Credit.NAME)
    rows = board(band.id)
    assert [row.participant.pseudonym for row in rows] == ["Kari", "Ola"]
    assert rows[0].chip(Purpose.RECORD).state is ChipState.GRANTED
    assert rows[0].credit is Credit.NAME
    consent_ledger.withdraw(db, kari, [Purpose.RECORD])
    assert board(band.id)[0].chip(Purpose.RECORD).state is ChipState.WITHDRAWN
    empty = sessions.create(db, "Nobody yet", SessionKind.CHOIR, on=date(2026, 11, 3))
    assert board(empty.id) == []


def test_a_row_asks_about_group_sharing_withdrawn_while_community_sharing_holds():
    ledger = [
        grant(Purpose.GROUP, NOON - timedelta(days=30)),
        grant(Purpose.COMMUNITY, NOON - timedelta(days=30)),
        ConsentEvent(OLA.id, Purpose.GROUP, ConsentAction.WITHDRAW, NOON - timedelta(days=1)),
    ]
    ola, kari = board_rows([OLA, KARI], ledger, NOON)
    assert [(q.participant_id, q.withdrawn, q.still_granted) for q in ola.questions] == [
        (OLA.id, Purpose.GROUP, (Purpose.COMMUNITY,))]
    assert kari.questions == ()


@given(
    actions=st.lists(st.tuples(st.sampled_from(list(ConsentAction)), st.integers(-400, 3),
                               st.one_of(st.none(), st.integers(-30, 400))), max_size=6),
)
def test_a_chip_is_valid_exactly_when_the_policy_says_the_consent_is(actions):
    # Stamps in any order, some of them ahead of the clock: the order written decides.
    ledger = [
        ConsentEvent(OLA.id, Purpose.GROUP, action, NOON + timedelta(days=offset),
                     (NOON.date() + timedelta(days=until))
                     if until is not None and action is ConsentAction.GRANT else None)
        for action, offset, until in actions
    ]
    (row,) = board_rows([OLA], ledger, NOON)
    chip = row.chip(Purpose.GROUP)
    solo = TrackPlan("solo", frozenset({OLA.id}), isolated=True)
    assert chip.valid == may_export([solo], (), Purpose.GROUP, ledger, NOON).allowed
    assert row.ahead == tuple(e for e in ledger if e.at > NOON + CLOCK_TOLERANCE)
    if chip.state is ChipState.EXPIRES_SOON:
        assert chip.valid_until < NOON.astimezone().date() + timedelta(days=EXPIRES_SOON_DAYS)
