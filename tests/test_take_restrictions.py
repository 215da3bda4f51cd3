"""What a take may still be used for after a withdrawal: examples of each rule, properties over
any ledger and any tracks, and the restrictions read from a library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mt_studio.core.consent_policy import ConsentState, consent_status, heard_on, may_export
from mt_studio.core.domain import SHARING_PURPOSES, ConsentAction, ConsentEvent, Purpose, TrackPlan
from mt_studio.core.library import consent_ledger, participants, songs, takes
from mt_studio.core.take_restrictions import (
    NO_LONGER,
    RESTRICTING,
    consent_questions,
    restrictions_of,
    who_blocks_where,
)
from tests.conftest import studio_of

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=2)
OLA, KARI, NILS = 1, 2, 3
ROOM, VOCAL, BASS = 10, 11, 12


def grant(who, *purposes, at=T0, until=None):
    return [ConsentEvent(who, p, ConsentAction.GRANT, at, until) for p in purposes]


def withdraw(who, *purposes, at=T0 + timedelta(days=1)):
    return [ConsentEvent(who, p, ConsentAction.WITHDRAW, at) for p in purposes]


BAND = {ROOM: TrackPlan("room"), VOCAL: TrackPlan("vocal", frozenset({KARI})),
        BASS: TrackPlan("bass", frozenset({NILS}), isolated=True)}
PRESENT = {OLA, KARI, NILS}
EVERYONE_SHARES = [e for who in PRESENT for e in grant(who, Purpose.KEEP, Purpose.GROUP)]


# Examples, one per rule.

def test_a_take_nobody_withdrew_from_is_not_restricted():
    found = restrictions_of(1, BAND, PRESENT, EVERYONE_SHARES, LATER)
    assert not found.restricted and not found.questions
    assert found.sharing_for(Purpose.GROUP).allowed
    assert found.play_question(BAND) == ()


def test_a_withdrawal_names_who_what_for_since_when_and_on_which_tracks():
    ledger = EVERYONE_SHARES + withdraw(KARI, Purpose.GROUP)
    found = restrictions_of(1, BAND, PRESENT, ledger, LATER)
    assert found.restricted
    [restriction] = found.restrictions
    assert (restriction.participant_id, restriction.purpose, restriction.state) == (
        KARI, Purpose.GROUP, ConsentState.WITHDRAWN)
    assert restriction.since == (T0 + timedelta(days=1)).astimezone().date()
    assert restriction.track_ids == (ROOM, VOCAL)  # not the bass: isolated, Nils's


def test_sharing_the_whole_take_is_off_but_the_tracks_she_is_not_heard_on_may_go():
    ledger = EVERYONE_SHARES + withdraw(KARI, Purpose.GROUP)
    group = restrictions_of(1, BAND, PRESENT, ledger, LATER).sharing_for(Purpose.GROUP)
    assert not group.allowed and group.restricted
    [blocking] = group.blocking
    assert blocking.participant_id == KARI and blocking.track_ids == (ROOM, VOCAL)
    assert group.shareable == (BASS,)


def test_a_purpose_never_given_blocks_sharing_without_restricting_the_take():
    found = restrictions_of(1, BAND, PRESENT, EVERYONE_SHARES, LATER)
    community = found.sharing_for(Purpose.COMMUNITY)
    assert not community.allowed and not community.restricted
    assert not found.restricted
    assert {b.blocker.state for b in community.blocking} == {ConsentState.NEVER_GRANTED}


def test_an_expired_consent_restricts_like_a_withdrawal():
    ledger = grant(OLA, Purpose.GROUP, until=T0.date())
    found = restrictions_of(1, {ROOM: BAND[ROOM]}, {OLA}, ledger, T0 + timedelta(days=3))
    [restriction] = found.restrictions
    assert restriction.state is ConsentState.EXPIRED and restriction.purpose is Purpose.GROUP
    assert found.play_question({ROOM}) == (restriction,)


def test_withdrawing_record_does_not_restrict_what_was_recorded():
    ledger = EVERYONE_SHARES + grant(KARI, Purpose.RECORD) + withdraw(KARI, Purpose.RECORD)
    assert not restrictions_of(1, BAND, PRESENT, ledger, LATER).restricted


def test_playing_asks_only_when_a_track_that_plays_carries_someone_without_group():
    ledger = EVERYONE_SHARES + withdraw(NILS, Purpose.GROUP)
    found = restrictions_of(1, BAND, PRESENT, ledger, LATER)
    assert [r.participant_id for r in found.play_question({ROOM, VOCAL, BASS})] == [NILS]
    # Nils is heard on the room mic too; with only his isolated bass muted he still plays.
    assert found.play_question({ROOM, VOCAL})
    keys = TrackPlan("keys", frozenset({OLA}), isolated=True)
    apart = restrictions_of(1, {BASS: BAND[BASS], VOCAL: keys}, PRESENT, ledger, LATER)
    assert apart.play_question({VOCAL}) == ()  # his bass muted: nobody without group plays


def test_withdrawing_keep_restricts_but_does_not_ask_before_playing():
    ledger = EVERYONE_SHARES + withdraw(OLA, Purpose.KEEP)
    found = restrictions_of(1, BAND, PRESENT, ledger, LATER)
    assert [r.purpose for r in found.restrictions] == [Purpose.KEEP]
    assert found.play_question(BAND) == () and found.sharing_for(Purpose.GROUP).allowed


def test_group_withdrawn_while_community_is_still_granted_asks_a_question():
    ledger = (EVERYONE_SHARES + grant(KARI, Purpose.COMMUNITY)
              + withdraw(KARI, Purpose.GROUP))
    [question] = restrictions_of(1, BAND, PRESENT, ledger, LATER).questions
    assert (question.participant_id, question.withdrawn, question.still_granted) == (
        KARI, Purpose.GROUP, (Purpose.COMMUNITY,))


def test_withdrawing_the_wider_purpose_too_asks_nothing():
    ledger = (EVERYONE_SHARES + grant(KARI, Purpose.COMMUNITY, Purpose.PUBLIC)
              + withdraw(KARI, Purpose.GROUP, Purpose.COMMUNITY, Purpose.PUBLIC))
    assert restrictions_of(1, BAND, PRESENT, ledger, LATER).questions == ()


def test_the_lead_sheet_words_need_group_from_their_writers():
    ledger = EVERYONE_SHARES + withdraw(OLA, Purpose.GROUP)
    found = restrictions_of(1, {BASS: BAND[BASS]}, PRESENT, ledger, LATER, writers={OLA, NILS})
    assert [b.participant_id for b in found.words_blocked] == [OLA]
    assert not found.restricted  # Ola wrote the words but is not heard on the bass
    assert restrictions_of(1, BAND, PRESENT, ledger, LATER).words_blocked == ()  # no words


# Properties over any ledger and any tracks.

PEOPLE = st.integers(min_value=1, max_value=4)
MOMENTS = st.integers(min_value=0, max_value=240).map(lambda h: T0 + timedelta(hours=h))
events = st.builds(
    ConsentEvent, participant_id=PEOPLE, purpose=st.sampled_from(Purpose),
    action=st.sampled_from(ConsentAction), at=MOMENTS,
    valid_until=st.none() | st.integers(0, 12).map(lambda d: T0.date() + timedelta(days=d)),
).map(lambda e: e if e.action is ConsentAction.GRANT else
      ConsentEvent(e.participant_id, e.purpose, e.action, e.at))
tracks = st.lists(st.tuples(st.frozensets(PEOPLE, max_size=2), st.booleans()), max_size=5).map(
    lambda specs: {100 + n: TrackPlan(f"track{n}", owners, iso)
                   for n, (owners, iso) in enumerate(specs)})
anything = dict(ledger=st.lists(events, max_size=25), plans=tracks,
                present=st.frozensets(PEOPLE), at=MOMENTS)


@settings(max_examples=300, deadline=None)
@given(**anything)
def test_a_restriction_is_exactly_a_purpose_given_once_that_no_longer_holds(
        ledger, plans, present, at):
    found = restrictions_of(1, plans, present, ledger, at)
    heard = {t: heard_on(plan, present) for t, plan in plans.items()}
    expected = set()
    for person in set().union(*heard.values()):
        for purpose in RESTRICTING:
            status = consent_status(ledger, person, purpose, at)
            if status.state in NO_LONGER:
                on = tuple(t for t, people in heard.items() if person in people)
                expected.add((person, purpose, status.state, on))
    assert {(r.participant_id, r.purpose, r.state, r.track_ids)
            for r in found.restrictions} == expected
    assert found.restricted == bool(expected)


@settings(max_examples=300, deadline=None)
@given(**anything, playing=st.sets(st.integers(100, 105)))
def test_play_asks_exactly_when_someone_heard_on_a_playing_track_no_longer_shares(
        ledger, plans, present, at, playing):
    found = restrictions_of(1, plans, present, ledger, at)
    heard = set().union(*(heard_on(plans[t], present) for t in playing if t in plans))
    lost = {p for p in heard
            if consent_status(ledger, p, Purpose.GROUP, at).state in NO_LONGER}
    assert {r.participant_id for r in found.play_question(playing)} == lost


@settings(max_examples=300, deadline=None)
@given(**anything)
def test_the_verdict_is_the_policys_and_what_stays_shareable_may_go_together(
        ledger, plans, present, at):
    found = restrictions_of(1, plans, present, ledger, at)
    for purpose in SHARING_PURPOSES:
        sharing = found.sharing_for(purpose)
        decision = may_export(plans.values(), present, purpose, ledger, at)
        assert sharing.allowed == decision.allowed
        assert [b.blocker for b in sharing.blocking] == list(decision.blockers)
        for blocking in sharing.blocking:  # a blocker's tracks: exactly where they are heard
            assert set(blocking.track_ids) == {t for t, plan in plans.items()
                                               if blocking.participant_id in heard_on(plan,
                                                                                      present)}
            assert not set(blocking.track_ids) & set(sharing.shareable)
        kept = [plans[t] for t in sharing.shareable]
        assert may_export(kept, present, purpose, ledger, at).allowed
        assert set(sharing.shareable) | {t for b in sharing.blocking for t in b.track_ids} \
            == set(plans)


@settings(max_examples=300, deadline=None)
@given(ledger=st.lists(events, max_size=25), who=PEOPLE, at=MOMENTS)
def test_a_question_is_a_narrower_sharing_withdrawn_while_a_wider_one_holds(ledger, who, at):
    statuses = [consent_status(ledger, who, purpose, at) for purpose in Purpose]
    by = {s.purpose: s for s in statuses}
    ladder = list(SHARING_PURPOSES)
    expected = set()
    for index, narrow in enumerate(ladder):
        wider = tuple(p for p in ladder[index + 1:] if by[p].valid)
        if by[narrow].state is ConsentState.WITHDRAWN and wider:
            expected.add((narrow, wider))
    assert {(q.withdrawn, q.still_granted) for q in consent_questions(statuses)} == expected


def test_who_blocks_where_lists_the_tracks_in_order():
    blocker = may_export([BAND[ROOM]], PRESENT, Purpose.COMMUNITY, [], T0).blockers[1]
    assert blocker.participant_id == KARI
    [blocking] = who_blocks_where([blocker], BAND, PRESENT)
    assert blocking.track_ids == (ROOM, VOCAL)


# Read from a library.

def test_the_demo_take_is_restricted_for_the_singer_once_she_withdraws_group(
        library, demo_take):
    db = library.connection
    singer = participants.find(db, "Demo Singer")
    assert not studio_of(library).consent.restrictions([demo_take])[demo_take.id].restricted
    consent_ledger.withdraw(db, singer, [Purpose.GROUP])
    found = studio_of(library).consent.restrictions([demo_take])[demo_take.id]
    [restriction] = found.restrictions
    assert restriction.participant_id == singer.id
    heard = {t.instrument for t in demo_take.tracks if t.id in restriction.track_ids}
    assert heard == {"Drums (room mic)", "Vocal mic"}
    shareable = {t.instrument for t in demo_take.tracks
                 if t.id in found.sharing_for(Purpose.GROUP).shareable}
    assert shareable == {"Bass (DI)", "Keys (line out)", "Keys (MIDI)"}


def test_the_words_of_the_song_linked_to_the_take_are_read_with_their_writers(
        library, demo_take):
    db = library.connection
    singer = participants.find(db, "Demo Singer")
    song = songs.create(db, "Morning", [singer], lyrics="Here comes the sun")
    songs.link_take(db, song.id, demo_take.id)
    consent_ledger.withdraw(db, singer, [Purpose.GROUP])
    take = takes.get(db, demo_take.id)
    found = studio_of(library).consent.restrictions([take])[take.id]
    assert [b.participant_id for b in found.words_blocked] == [singer.id]
