"""`plan_take`, the one consent decision behind Record and the start of a take, asked through
the studio's `recording.plan`; and a start the device refuses."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from jack_rig import JackServer, seen_by_portaudio

from mt_studio.core.capture.audio_capture import StopReason
from mt_studio.core.capture.take_plan import MIDI_KEY, TakeRequest, plan_take
from mt_studio.core.domain import ConsentAction, ConsentEvent, Purpose, SessionKind
from mt_studio.core.errors import DeviceError
from mt_studio.core.library import Library, consent_ledger, participants, sessions, takes
from mt_studio.core.studio import TakeChanged


def band(library):
    db = library.connection
    ola, nils = participants.add(db, "Ola"), participants.add(db, "Nils")
    consent_ledger.grant(db, ola, [Purpose.RECORD])
    session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 11, 3),
                              participants=[ola, nils])
    return db, session.id, ola.id, nils.id


def test_a_room_input_heard_by_someone_without_consent_refuses_naming_them(library, studio):
    _db, session, ola, nils = band(library)
    plan = studio.recording.plan(TakeRequest(session, "system", owners={1: (ola,)}), (1, 2))
    assert not plan.allowed and plan.armed == ()
    assert "Nils" in plan.refusal and "Ola" not in plan.refusal


def test_isolated_inputs_of_someone_without_consent_are_disarmed_with_the_reason(library,
                                                                                 studio):
    _db, session, ola, nils = band(library)
    request = TakeRequest(session, "system", owners={1: (ola,), 2: (nils,), MIDI_KEY: (nils,)},
                          isolated=frozenset({1, 2}), midi="Keys")
    plan = studio.recording.plan(request, (1, 2), "Keys")
    assert plan.allowed and plan.armed == (1,) and plan.disarmed == (2,)
    assert not plan.record_midi
    assert "Nils" in plan.disarm_reasons[2] and "Nils" in plan.disarm_reasons[MIDI_KEY]


def test_nothing_left_to_record_is_a_refusal_too(library, studio):
    _db, session, _ola, nils = band(library)
    request = TakeRequest(session, "system", owners={2: (nils,)}, isolated=frozenset({2}))
    plan = studio.recording.plan(request, (2,))
    assert not plan.allowed and plan.disarmed == (2,) and "Nothing can be recorded" in plan.refusal


def test_the_plan_is_made_from_the_values_it_is_given_alone():
    at = datetime(2026, 11, 3, 18, 0)
    granted = ConsentEvent(1, Purpose.RECORD, ConsentAction.GRANT, datetime(2026, 11, 1), id=1)
    withdrawn = ConsentEvent(1, Purpose.RECORD, ConsentAction.WITHDRAW, datetime(2026, 11, 2),
                             id=2)
    request = TakeRequest(7, "system", owners={1: (1,)}, isolated=frozenset({1}))
    names = {1: "Ola", 2: "Nils"}
    plan = plan_take(request, (1,), None, present=(1,), ledger=[granted], names=names, at=at)
    assert plan.allowed and plan.armed == (1,) and plan.present == (1,)
    plan = plan_take(request, (1,), None, present=(1,), ledger=[granted, withdrawn],
                     names=names, at=at)
    assert not plan.allowed and plan.disarmed == (1,) and "Ola" in plan.disarm_reasons[1]
    plan = plan_take(request, (1, 2), None, present=(1, 2), ledger=[granted], names=names,
                     at=at)  # input 2 is a room mic, and Nils is in the room
    assert not plan.allowed and "Nils" in plan.refusal


def test_a_take_the_device_refuses_to_start_is_kept_marked_as_such(library, studio):
    db, session, ola, _nils = band(library)
    sessions.check_out(db, session, participants.find(db, "Nils"))
    seen = []
    with Library.open(library.folder) as other:  # sees only what is committed
        studio.events.subscribe(lambda event: seen.append(
            (event, takes.get(other.connection, event.take_id).stop_reason)))
        with JackServer(samplerate=48000, inputs=2) as server, seen_by_portaudio(server):
            with pytest.raises(DeviceError):  # JACK runs at 48 kHz: PortAudio refuses 44.1
                studio.recording.start(TakeRequest(session, "system", samplerate=44100))
    (take,) = takes.for_session(db, session)
    assert take.frames == 0 and take.stop_reason == StopReason.DEVICE_LOST.value
    # Never recording, so announced once: kept, and marked for why.
    assert seen == [(TakeChanged(take.id, session), StopReason.DEVICE_LOST.value)]
