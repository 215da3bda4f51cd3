"""The consent ledger in the library: append-only history, expiry, withdrawal and its report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mt_studio.core.consent_policy import ConsentState
from mt_studio.core.domain import ConsentAction, Purpose, SessionKind, TrackKind
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit, consent_ledger, exports, participants, sessions, takes
from tests.conftest import states_now

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def ola(library):
    return participants.add(library.connection, "Ola")


def test_every_grant_and_withdrawal_is_a_new_row_and_the_history_is_kept(library, ola):
    db = library.connection
    consent_ledger.grant(db, ola, [Purpose.RECORD, Purpose.KEEP], witness="Therapist A",
                         form_version="v3", at=T0)
    consent_ledger.withdraw(db, ola, [Purpose.KEEP], reason="changed my mind",
                            at=T0 + timedelta(days=1))
    between = states_now(db, ola.id, T0 + timedelta(days=1, hours=1))
    assert between[Purpose.KEEP].state is ConsentState.WITHDRAWN
    consent_ledger.grant(db, ola, [Purpose.KEEP], at=T0 + timedelta(days=2))
    history = consent_ledger.events(db, [ola.id])
    assert [(e.action, e.purpose) for e in history] == [
        (ConsentAction.GRANT, Purpose.RECORD), (ConsentAction.GRANT, Purpose.KEEP),
        (ConsentAction.WITHDRAW, Purpose.KEEP), (ConsentAction.GRANT, Purpose.KEEP)]
    assert history[0].witness == "Therapist A" and history[0].form_version == "v3"
    assert history[2].reason == "changed my mind"
    states = states_now(db, ola.id, T0 + timedelta(days=3))
    assert states[Purpose.KEEP].state is ConsentState.GRANTED  # re-granted after withdrawal
    assert states[Purpose.PUBLIC].state is ConsentState.NEVER_GRANTED
    logged = [e.action for e in audit.entries(db, ola.id)]
    assert logged.count("consent.granted") == 3 and logged.count("consent.withdrawn") == 1


def test_a_consent_expires_after_its_last_valid_day(library, ola):
    db = library.connection
    consent_ledger.grant(db, ola, [Purpose.GROUP], valid_until=date(2026, 11, 30), at=T0)
    on_last_day = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    assert states_now(db, ola.id, on_last_day)[Purpose.GROUP].valid
    after = states_now(db, ola.id, on_last_day + timedelta(days=1))[Purpose.GROUP]
    assert after.state is ConsentState.EXPIRED and after.since == date(2026, 12, 1)


def test_a_grant_that_would_already_have_expired_is_refused(library, ola):
    with pytest.raises(InputError, match="2020-01-01 is in the past"):
        consent_ledger.grant(library.connection, ola, [Purpose.GROUP],
                             valid_until=date(2020, 1, 1))
    assert consent_ledger.events(library.connection) == []


def test_withdrawal_reports_the_takes_it_restricts_and_the_exports_to_recall(library, ola):
    db = library.connection
    kari = participants.add(db, "Kari")
    nils = participants.add(db, "Nils")
    band = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 11, 3),
                           participants=[ola, kari])
    alone = sessions.create(db, "Nils alone", SessionKind.INDIVIDUAL, on=date(2026, 11, 4),
                            participants=[nils])
    room_take = takes.start(db, band.id, 48000)
    room = takes.add_track(db, room_take, TrackKind.AUDIO, input=1)
    di_take = takes.start(db, band.id, 48000)
    takes.add_track(db, di_take, TrackKind.AUDIO, input=2, isolated=True,
                    participant_ids=[kari.id])
    other_take = takes.start(db, alone.id, 48000)
    takes.add_track(db, other_take, TrackKind.AUDIO, input=1)
    exports.record(db, Purpose.COMMUNITY, "Kulturhuset choir", "mix.flac", [room],
                   [ola.id, kari.id])
    exports.record(db, Purpose.GROUP, "the band", "mix.wav", [room], [ola.id, kari.id])

    report = consent_ledger.withdraw(db, ola, [Purpose.COMMUNITY])

    assert [t.take_id for t in report.restricted_takes] == [room_take]
    assert [(e.purpose, e.recipient) for e in report.exports_to_recall] == [
        (Purpose.COMMUNITY, "Kulturhuset choir")]
    assert not states_now(db, ola.id)[Purpose.COMMUNITY].valid
    kari_report = consent_ledger.withdraw(db, kari, [Purpose.KEEP])
    assert [t.take_id for t in kari_report.restricted_takes] == [room_take, di_take]


def test_withdrawing_record_restricts_no_earlier_take(library, ola):
    db = library.connection
    session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 11, 3),
                              participants=[ola])
    takes.add_track(db, takes.start(db, session.id, 48000), TrackKind.AUDIO, input=1)
    report = consent_ledger.withdraw(db, ola, [Purpose.RECORD])
    assert report.restricted_takes == ()
    assert len(report.events) == 1
