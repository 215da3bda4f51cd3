"""The window's old calls to record, plan and loop, kept working over the studio until
the window goes through it (delete this file with those transitional wrappers)."""

from __future__ import annotations

import threading
from datetime import date

import numpy as np
import pytest
import soundfile as sf
from jack_rig import JackServer, seen_by_portaudio

from mt_studio.core.capture.take_recording import TakeRecording, TakeRequest, plan_take
from mt_studio.core.domain import Purpose, SessionKind, TakeStatus
from mt_studio.core.errors import ConsentRefused
from mt_studio.core.library import consent_ledger, layers, participants, sessions, takes
from mt_studio.core.looper import LayerToKeep, Looper, LooperState, Player

RATE = 48000


@pytest.fixture
def duo(library):
    """Ola, who may be recorded, and Nils, who may not, in one session."""
    with library.transaction() as db:
        ola, nils = participants.add(db, "Ola"), participants.add(db, "Nils")
        consent_ledger.grant(db, ola, [Purpose.RECORD])
        session = sessions.create(db, "Duo", SessionKind.BAND, on=date(2026, 12, 1),
                                  participants=[ola, nils])
    return session.id, ola.id, nils.id


def test_the_windows_take_recording_records_through_the_studio(library, duo):
    session, ola, nils = duo
    sessions.check_out(library.connection, session, participants.get(library.connection, nils))
    with (JackServer(samplerate=RATE, inputs=2, synchronous=True) as server,
          seen_by_portaudio(server)):
        recording = TakeRecording(library, TakeRequest(session, "system", inputs=(1, 2),
                                                       duration_seconds=0.25))
        recording.start()
        try:
            assert recording.number == 1 and recording.capture.settings.inputs == (1, 2)
            assert recording.midi_events == 0 and recording.wait(30)
        finally:
            result = recording.stop()
    assert result.take_id == recording.take_id and result.frames == RATE // 4
    take = takes.get(library.connection, result.take_id)
    assert take.status is TakeStatus.COMPLETE and take.frames == RATE // 4


def test_the_windows_plan_take_is_the_studios_plan(library, studio, duo):
    session, ola, _nils = duo
    request = TakeRequest(session, "system", owners={1: (ola,)})
    assert plan_take(library.connection, request, (1, 2)) == studio.recording.plan(request,
                                                                                   (1, 2))


def test_the_windows_looper_keeps_layers_on_a_connection_of_its_own(library, duo):
    session, ola, nils = duo
    looper = Looper(library, session, "system", RATE, 2, round_trip=64)
    assert (looper.device, looper.samplerate, looper.round_trip) == ("system", RATE, 64)
    with pytest.raises(ConsentRefused, match="Nils"):
        looper.check(Player(1, (nils,), isolated=True))
    assert looper.check(Player(1, (ola,), isolated=True)) == (ola,)
    assert looper.state is LooperState.IDLE
    sound = np.zeros(4800, np.float32)
    layer = LayerToKeep(Player(1, (ola,), isolated=True), (ola,), len(sound), 64)

    def write(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, sound, RATE, subtype="FLOAT")

    kept = []
    # The window holds a transaction of its own on its connection, without the studio: the
    # layer waits for it (SQLite's lock), and neither mixes into the other.
    with library.transaction() as tx:
        participants.add(tx, "Kari")
        writer = threading.Thread(target=lambda: kept.append(looper._keeper.keep(None, layer,
                                                                                  write)))
        writer.start()
        writer.join(timeout=0.2)
        assert writer.is_alive()
    writer.join(timeout=10)
    ((take_id, track_id),) = kept
    looper.take_id = take_id
    assert [layer.track_id for layer in looper.layers()] == [track_id]
    assert looper.undo().track_id == track_id
    assert layers.of_take(library.connection, take_id)[0].undone
