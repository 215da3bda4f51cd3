"""Retention: a take someone heard on it may not keep is due for deletion the day after its
session (or the day keep was withdrawn or ran out), listed with who and why, and deleted once
the grace days are over unless a therapist wrote a reason to keep it longer (asked again after
30 days); the service's maximum age works the same way. The rule is tested on its own, then
through the studio on the demo session's real take."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta

import pytest
from conftest import library_here

from mt_studio.core.domain import ConsentAction, ConsentEvent, Purpose, TrackPlan
from mt_studio.core.domain.accounts import Role
from mt_studio.core.domain.retention import KeptTake, RetentionHold, RetentionRules
from mt_studio.core.errors import AccessRefused, InputError
from mt_studio.core.retention import DueCause, due_takes
from mt_studio.core.studio import Studio
from mt_studio.core.studio.ledger import LibraryReadOnly

DAY = date(2026, 12, 1)  # the session's day
OLA, KARI, PER = 1, 2, 3
PASS = "a song for every morning"


def noon(day: date) -> datetime:
    """Midday of DAY, here."""
    return datetime.combine(day, time(12)).astimezone()


def grant(person: int, on: date, until: date | None = None) -> ConsentEvent:
    return ConsentEvent(person, Purpose.KEEP, ConsentAction.GRANT, noon(on), valid_until=until)


def withdraw(person: int, on: date) -> ConsentEvent:
    return ConsentEvent(person, Purpose.KEEP, ConsentAction.WITHDRAW, noon(on))


def band_take(*tracks: TrackPlan, present=(OLA, KARI, PER)) -> KeptTake:
    """A take of DAY's session; by default a room mic that hears everyone present."""
    return KeptTake(7, 3, "Band", DAY, 1, None,
                    tracks or (TrackPlan("track:1"),), frozenset(present))


DEFAULT_RULES = RetentionRules()


def due(ledger, take=None, holds=None, rules=DEFAULT_RULES, on=DAY + timedelta(days=1)):
    return due_takes([take or band_take()], ledger, holds or {}, rules, noon(on))


EVERYONE_KEEPS = [grant(OLA, DAY), grant(KARI, DAY), grant(PER, DAY)]


def test_a_take_everyone_heard_may_keep_is_never_due():
    assert due(EVERYONE_KEEPS, on=DAY + timedelta(days=3000)) == []


def test_keep_not_given_by_the_end_of_the_day_makes_it_due_the_day_after():
    ledger = [grant(OLA, DAY), grant(KARI, DAY)]  # Per never gave keep
    assert due(ledger, on=DAY) == []  # the day is not over: keep may still be given
    (take,) = due(ledger)
    assert [(w.cause, w.participant_id, w.since) for w in take.why] == [
        (DueCause.NO_KEEP, PER, DAY + timedelta(days=1))]
    assert take.delete_on == DAY + timedelta(days=8)
    assert not take.goes(DAY + timedelta(days=7)) and take.goes(DAY + timedelta(days=8))
    late = [*ledger, grant(PER, DAY + timedelta(days=2))]  # the form came in late
    assert due(late, on=DAY + timedelta(days=3)) == []


def test_keep_withdrawn_or_run_out_later_makes_it_due_from_that_day():
    withdrawn_on, ran_out = DAY + timedelta(days=20), DAY + timedelta(days=30)
    ledger = [grant(OLA, DAY), grant(KARI, DAY, until=ran_out), grant(PER, DAY),
              withdraw(OLA, withdrawn_on)]
    (take,) = due(ledger, on=DAY + timedelta(days=40))
    assert [(w.cause, w.participant_id, w.since) for w in take.why] == [
        (DueCause.WITHDRAWN, OLA, withdrawn_on),
        (DueCause.EXPIRED, KARI, ran_out + timedelta(days=1))]
    assert take.due_on == withdrawn_on
    assert take.delete_on == withdrawn_on + timedelta(days=7)


def test_only_people_who_can_be_heard_count():
    # Per was present but every track is someone else's isolated one: he is not on the take.
    isolated = band_take(TrackPlan("track:1", frozenset({OLA}), isolated=True),
                         TrackPlan("track:2", frozenset({KARI}), isolated=True))
    assert due([grant(OLA, DAY), grant(KARI, DAY)], isolated) == []
    assert due([grant(OLA, DAY)], isolated)[0].why[0].participant_id == KARI


def test_the_services_maximum_age_makes_any_take_due():
    rules = RetentionRules(grace_days=7, max_age_days=365)
    assert due(EVERYONE_KEEPS, rules=rules, on=DAY + timedelta(days=364)) == []
    (take,) = due(EVERYONE_KEEPS, rules=rules, on=DAY + timedelta(days=365))
    assert [(w.cause, w.participant_id) for w in take.why] == [(DueCause.TOO_OLD, None)]
    assert take.delete_on == DAY + timedelta(days=372)


def test_a_reason_holds_a_take_until_it_lapses_and_then_the_grace_days_start_again():
    ledger = [grant(OLA, DAY), grant(KARI, DAY)]
    until = DAY + timedelta(days=31)
    holds = {7: RetentionHold(7, "Per asked for a copy first", noon(DAY + timedelta(days=1)),
                              until)}
    (held,) = due(ledger, holds=holds, on=DAY + timedelta(days=30))
    assert held.hold is not None and not held.goes(DAY + timedelta(days=30))
    (lapsed,) = due(ledger, holds=holds, on=until)
    assert lapsed.hold is None
    assert lapsed.delete_on == until + timedelta(days=7)
    assert not lapsed.goes(until) and lapsed.goes(until + timedelta(days=7))


@pytest.fixture
def band(tmp_path):
    """A library behind accounts (an admin and a therapist, the therapist signed in), with the
    demo session: its take, everyone heard holding record, keep and group."""
    with Studio.open(library_here()) as studio:
        studio.accounts.add("Therese", Role.ADMIN, PASS)
        studio.sign_in("Therese", PASS)
        studio.accounts.add("Tor", Role.THERAPIST, PASS)
        studio.sign_in("Tor", PASS)
        session = studio.sessions.get(studio.sessions.create_demo())
        (take,) = studio.sessions.takes(session.id)
        yield studio, session, take


def test_the_studio_lists_a_take_with_who_and_why_once_keep_is_withdrawn(band):
    studio, session, take = band
    after = noon(session.date + timedelta(days=3))
    assert studio.retention.due(after).takes == ()
    singer = session.participants[0]
    studio.consent.withdraw(singer.id, [Purpose.KEEP], reason="does not want it kept")
    listed = studio.retention.due(after)
    (due_take,) = listed.takes
    assert due_take.take.take_id == take.id
    assert [(w.cause, w.participant_id) for w in due_take.why] == [
        (DueCause.WITHDRAWN, singer.id)]
    assert listed.names == {singer.id: singer.pseudonym}
    studio.sign_in("Therese", PASS)
    shown = [e for e in studio.audit.entries() if e.action == "retention.shown"]
    (tor,) = [a for a in studio.accounts.all() if a.name == "Tor"]
    assert [e.actor_id for e in shown] == [tor.id]  # his look, once


def test_keeping_a_take_longer_needs_a_written_reason_and_is_audited(band):
    studio, session, take = band
    after = noon(session.date + timedelta(days=3))
    with pytest.raises(InputError, match="not due"):
        studio.retention.keep_longer(take.id, "just in case", after)
    studio.consent.withdraw(session.participants[0].id, [Purpose.KEEP])
    with pytest.raises(InputError, match="reason"):
        studio.retention.keep_longer(take.id, "   ", after)
    with pytest.raises(InputError):
        studio.retention.keep_longer(take.id, "two\nlines", after)
    hold = studio.retention.keep_longer(take.id, "the family asked for a copy first", after)
    assert hold.until == after.date() + timedelta(days=30) and hold.by == "Tor"
    (held,) = studio.retention.due(after + timedelta(days=29)).takes
    assert held.hold == hold and not held.goes(after.date() + timedelta(days=29))
    (asked_again,) = studio.retention.due(after + timedelta(days=30)).takes
    assert asked_again.hold is None
    assert asked_again.delete_on == hold.until + timedelta(days=7)
    studio.sign_in("Therese", PASS)
    (row,) = [e for e in studio.audit.entries() if e.action == "retention.kept_longer"]
    assert row.subject == f"take:{take.id}"
    assert row.details["reason"] == "the family asked for a copy first"


def test_only_an_admin_changes_the_services_rules_and_they_are_audited(band):
    studio, session, take = band
    with pytest.raises(AccessRefused, match="admin"):
        studio.retention.set_rules(3, 0)
    studio.sign_in("Therese", PASS)
    with pytest.raises(InputError, match="Grace days"):
        studio.retention.set_rules(-1, 0)
    assert studio.retention.set_rules(3, 365) == RetentionRules(3, 365)
    assert studio.retention.rules() == RetentionRules(3, 365)
    (row,) = [e for e in studio.audit.entries() if e.action == "retention.rules_changed"]
    assert row.details["before"] == [7, 0]
    (old,) = studio.retention.due(noon(session.date + timedelta(days=365))).takes
    assert old.why[0].cause is DueCause.TOO_OLD and old.take.take_id == take.id


def test_a_participant_at_the_keyboard_cannot_reach_retention(band):
    studio, session, _take = band
    mine = studio.for_participant(session.participants[0].id, session.id)
    assert not hasattr(mine, "retention")
    with pytest.raises(AccessRefused):
        mine._door.retention.due()


def test_a_withdrawal_forged_into_the_ledger_deletes_nothing(tmp_path):
    """Someone with the sqlite3 shell adds a withdrawal of keep, to have a take deleted: the
    window's retention run (its ledger not checked yet) checks it first and deletes nothing."""
    folder = tmp_path / "library"
    with Studio.open(folder) as studio:
        session = studio.sessions.get(studio.sessions.create_demo())
        (take,) = studio.sessions.takes(session.id)
    db = sqlite3.connect(folder / "library.sqlite3")
    with db:
        db.execute("INSERT INTO consent_events (participant_id, purpose, action, at)"
                   " VALUES (?, 'keep', 'withdraw', ?)",
                   (session.participants[0].id, noon(session.date).isoformat()))
    db.close()
    later = noon(session.date + timedelta(days=30))
    with Studio.open(folder, check_ledger=False) as studio:  # as the window opens it
        with pytest.raises(LibraryReadOnly, match="consent"):
            studio.retention.run(later)
        assert [t.id for t in studio.sessions.takes(session.id)] == [take.id]
        assert studio.read_only is not None
