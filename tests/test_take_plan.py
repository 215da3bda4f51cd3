"""`plan_take`, the one consent decision behind Record and `TakeRecording.start`; and a start
the device refuses."""

from __future__ import annotations

from datetime import date

import pytest
from jack_rig import JackServer, seen_by_portaudio

from mt_studio.core.capture.audio_capture import StopReason
from mt_studio.core.capture.take_recording import (
    MIDI_KEY,
    TakeRecording,
    TakeRequest,
    plan_take,
)
from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.errors import DeviceError
from mt_studio.core.library import consent_ledger, participants, sessions, takes


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


def test_a_take_the_device_refuses_to_start_is_kept_marked_as_such(library):
    db, session, ola, _nils = band(library)
    sessions.check_out(db, session, participants.find(db, "Nils"))
    with JackServer(samplerate=48000, inputs=2) as server, seen_by_portaudio(server):
        recording = TakeRecording(library, TakeRequest(session, "system", samplerate=44100))
        with pytest.raises(DeviceError):
            recording.start()  # JACK runs at 48 kHz: PortAudio refuses 44.1
    (take,) = takes.for_session(db, session)
    assert take.frames == 0 and take.stop_reason == StopReason.DEVICE_LOST.value
