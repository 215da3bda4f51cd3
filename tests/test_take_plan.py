"""`plan_take`: the one consent decision behind the Record button and `TakeRecording.start`."""

from __future__ import annotations

from datetime import date

from mt_studio.core.capture.take_recording import MIDI_KEY, TakeRequest, plan_take
from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.library import consent_ledger, participants, sessions


def band(library):
    db = library.connection
    ola, nils = participants.add(db, "Ola"), participants.add(db, "Nils")
    consent_ledger.grant(db, ola, [Purpose.RECORD])
    session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 11, 3),
                              participants=[ola, nils])
    return db, session.id, ola.id, nils.id


def test_a_room_input_heard_by_someone_without_consent_refuses_naming_them(library):
    db, session, ola, nils = band(library)
    plan = plan_take(db, TakeRequest(session, "system", owners={1: (ola,)}), (1, 2))
    assert not plan.allowed and plan.armed == ()
    assert "Nils" in plan.refusal and "Ola" not in plan.refusal


def test_isolated_inputs_of_someone_without_consent_are_disarmed_with_the_reason(library):
    db, session, ola, nils = band(library)
    request = TakeRequest(session, "system", owners={1: (ola,), 2: (nils,), MIDI_KEY: (nils,)},
                          isolated=frozenset({1, 2}), midi="Keys")
    plan = plan_take(db, request, (1, 2), "Keys")
    assert plan.allowed and plan.armed == (1,) and plan.disarmed == (2,)
    assert not plan.record_midi
    assert "Nils" in plan.disarm_reasons[2] and "Nils" in plan.disarm_reasons[MIDI_KEY]


def test_nothing_left_to_record_is_a_refusal_too(library):
    db, session, _ola, nils = band(library)
    request = TakeRequest(session, "system", owners={2: (nils,)}, isolated=frozenset({2}))
    plan = plan_take(db, request, (2,))
    assert not plan.allowed and plan.disarmed == (2,) and "Nothing can be recorded" in plan.refusal
