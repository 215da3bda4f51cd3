"""The studio's recording service on a real (JACK dummy) interface: a take is announced once it
records and once it is kept, each time after the commit; a take refused by consent, or whose
files cannot be made, announces nothing and leaves nothing; a looper's layers are kept from
its writer thread under the studio's lock and announced."""

from __future__ import annotations

import threading
from datetime import date

import numpy as np
import pytest
import soundfile as sf
from jack_rig import JackServer, seen_by_portaudio

from mt_studio.core.domain import Purpose, SessionKind, TakeStatus
from mt_studio.core.errors import ConsentRefused, LibraryError
from mt_studio.core.library import Library, audit, consent_ledger, participants, sessions, takes
from mt_studio.core.looper import LayerToKeep, Player
from mt_studio.core.studio import TakeChanged
from mt_studio.core.studio.layer_keeper import SessionLayerKeeper
from mt_studio.core.studio.recording import TakeRequest

RATE = 48000


@pytest.fixture
def rig():
    with (JackServer(samplerate=RATE, inputs=2, synchronous=True) as server,
          seen_by_portaudio(server)):
        yield server


@pytest.fixture
def band(library):
    """Ola, who may be recorded, alone in session 1; Nils, who may not, in session 2 with her."""
    with library.transaction() as db:
        ola, nils = participants.add(db, "Ola"), participants.add(db, "Nils")
        consent_ledger.grant(db, ola, [Purpose.RECORD])
        alone = sessions.create(db, "Duo", SessionKind.INDIVIDUAL, on=date(2026, 12, 1),
                                participants=[ola])
        together = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 12, 1),
                                   participants=[ola, nils])
    return alone.id, together.id, ola.id


@pytest.fixture
def heard(studio):
    """Everything the studio announces, in order."""
    events = []
    studio.events.subscribe(events.append)
    return events


def test_a_take_is_announced_as_it_records_and_as_it_is_kept_each_after_its_commit(
        rig, library, studio, band):
    alone, _together, _ola = band
    seen = []
    with Library.open(library.folder) as other:  # another connection sees only what is committed
        def look(event):
            take = takes.get(other.connection, event.take_id)
            seen.append((event, take.status, len(take.tracks), take.frames))

        studio.events.subscribe(look)
        recording = studio.recording.start(TakeRequest(alone, "system", inputs=(1, 2),
                                                       duration_seconds=0.5))
        try:
            started = TakeChanged(recording.take_id, alone)
            assert seen == [(started, TakeStatus.RECORDING, 2, 0)]
            assert recording.wait(30)
        finally:
            result = recording.stop()
    assert result.take_id == recording.take_id and result.frames == RATE // 2
    assert seen == [(started, TakeStatus.RECORDING, 2, 0),
                    (started, TakeStatus.COMPLETE, 2, RATE // 2)]


def test_a_take_refused_by_consent_announces_nothing_and_leaves_nothing(
        rig, library, studio, band, heard):
    _alone, together, _ola = band
    with pytest.raises(ConsentRefused, match="Nils"):  # a room mic would hear him
        studio.recording.start(TakeRequest(together, "system", inputs=(1, 2),
                                           duration_seconds=0.5))
    assert heard == []
    assert takes.for_session(library.connection, together) == []
    assert not (library.folder / "audio").exists()


def test_a_take_whose_files_cannot_be_made_goes_again_unannounced(rig, library, studio, band,
                                                                   heard):
    alone, _together, _ola = band
    planted = library.folder / "audio" / "take-1" / "track-2.wav"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"an older take's recording")
    with pytest.raises(LibraryError, match="never writes over"):
        studio.recording.start(TakeRequest(alone, "system", inputs=(1, 2), duration_seconds=0.5))
    assert heard == []  # it never held a sample: nobody was told of it
    assert takes.for_session(library.connection, alone) == []
    assert [e.action for e in audit.entries(library.connection)][-2:] == ["take.started",
                                                                         "take.discarded"]
    assert planted.read_bytes() == b"an older take's recording"


def test_a_layer_is_kept_from_the_writer_thread_under_the_studios_lock(library, studio, band,
                                                                       heard):
    alone, _together, ola = band
    keeper = SessionLayerKeeper(studio, alone, "system", RATE)
    sound = np.full(4800, 0.25, np.float32)
    written = []

    def write(path):
        written.append(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, sound, RATE, subtype="FLOAT")

    layer = LayerToKeep(Player(1, (ola,), isolated=True), (ola,), len(sound), 64)
    kept = []
    with studio._transaction() as tx:  # the window, changing something of its own meanwhile
        participants.add(tx, "Kari")
        writer = threading.Thread(target=lambda: kept.append(keeper.keep(None, layer, write)))
        writer.start()
        writer.join(timeout=0.2)
        assert writer.is_alive() and written == []  # it waits for that change to be whole
    writer.join(timeout=10)
    ((take_id, track_id),) = kept
    take = takes.get(library.connection, take_id)
    assert [t.id for t in take.tracks] == [track_id] and take.frames == len(sound)
    assert written == [library.folder / take.tracks[0].file]
    assert take.tracks[0].participant_ids == (ola,)
    (first,) = keeper.of_take(take_id)
    assert first.track_id == track_id and first.latency == 64
    announced = TakeChanged(take_id, alone)
    assert heard[-1:] == [announced]


def test_a_layer_that_cannot_be_written_leaves_no_take_and_announces_nothing(
        library, studio, band, heard):
    alone, _together, ola = band
    keeper = SessionLayerKeeper(studio, alone, "system", RATE)

    def write(path):
        raise OSError(28, "No space left on device")

    layer = LayerToKeep(Player(1, (ola,), isolated=True), (ola,), 4800, 0)
    with pytest.raises(OSError, match="No space"):
        keeper.keep(None, layer, write)
    assert heard == [] and takes.for_session(library.connection, alone) == []
