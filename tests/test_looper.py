"""The looper on a real JACK device: the round trip measured through a cable, layers that line
up with the loop they were played over, consent per layer, and undo that keeps what was played."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import soundfile as sf
from jack_rig import JackServer, Loopback, SignalsInAChildProcess, seen_by_portaudio, wait_for

from mt_studio.core.domain import Purpose, SessionKind, TrackKind
from mt_studio.core.errors import ConsentRefused, DeviceError
from mt_studio.core.latency import (
    CLICK,
    find_round_trip,
    measure_round_trip,
    probe_signal,
    save_round_trip,
    saved_round_trip,
)
from mt_studio.core.library import Library, consent_ledger, layers, participants, sessions, takes
from mt_studio.core.looper import LooperState, Player
from mt_studio.core.studio import TakeChanged
from mt_studio.core.studio.layer_keeper import SessionLayerKeeper

RATE = 48000
BEAT = RATE // 4  # the drummer's clicks, every quarter second


@pytest.fixture
def rig():
    """A JACK server PortAudio sees as "system", 2 in and 2 out, with a cable out_1 → in_1."""
    with (JackServer(samplerate=RATE, period=256, inputs=2, outputs=2, synchronous=True)
          as server, seen_by_portaudio(server)):
        cable = Loopback(server, output=1, input=1)
        try:
            yield server
        finally:
            cable.close()


@pytest.fixture
def band(library):
    """A session with two participants who consented to be recorded, and one who did not."""
    with library.transaction() as db:
        drummer, singer, shy = (participants.add(db, p) for p in ("Drummer", "Singer", "Shy"))
        consent_ledger.grant(db, drummer, [Purpose.RECORD])
        consent_ledger.grant(db, singer, [Purpose.RECORD])
        session = sessions.create(db, "Looping", SessionKind.INDIVIDUAL, on=date(2026, 12, 1),
                                  participants=[drummer, singer, shy])
    return session.id, drummer.id, singer.id, shy.id


def test_the_round_trip_is_found_in_a_recording_of_the_probe():
    played, _clicks = probe_signal(RATE)
    rng = np.random.default_rng(3)
    recorded = np.concatenate([np.zeros(371, np.float32), played, np.zeros(RATE // 10)])
    recorded += rng.normal(0, 0.01, len(recorded)).astype(np.float32)
    assert find_round_trip(played, recorded, RATE) == 371
    with pytest.raises(DeviceError, match="did not come back"):
        find_round_trip(played, rng.normal(0, 0.01, len(recorded)).astype(np.float32), RATE)
    uneven = recorded.copy()
    at = _clicks[3] + 371
    uneven[at:at + len(CLICK)] = 0
    uneven[at + 40:at + 40 + len(CLICK)] += CLICK  # one click comes back late
    with pytest.raises(DeviceError, match="different delays"):
        find_round_trip(played, uneven, RATE)


def test_a_round_trip_is_kept_per_device_and_rate(tmp_path):
    assert saved_round_trip("Scarlett 2i2", RATE, tmp_path) is None
    save_round_trip("Scarlett 2i2", RATE, 301, tmp_path)
    save_round_trip("Scarlett 2i2", 44100, 277, tmp_path)
    assert saved_round_trip("scarlett 2i2", RATE, tmp_path) == 301
    assert saved_round_trip("Scarlett 2i2", 44100, tmp_path) == 277
    (tmp_path / "latency.json").write_text("{broken", encoding="utf-8")
    assert saved_round_trip("Scarlett 2i2", RATE, tmp_path) is None


def test_a_layer_played_along_lines_up_with_the_loop_within_a_millisecond(rig, library, studio,
                                                                           band):
    session_id, drummer, singer, _shy = band
    round_trip = measure_round_trip("system", RATE, output=1, input=1)
    assert 0 < round_trip < RATE // 10
    looper = studio.recording.looper(session_id, "system", RATE, inputs=2,
                                     round_trip=round_trip)
    # From a process of its own, so that a collection in this one cannot make a drum late
    # and spoil the exact comparison below.
    drums = SignalsInAChildProcess(rig, ["silence", f"clicks:{BEAT}"])
    other = Library.open(library.folder)  # sees only what is committed
    seen = []
    studio.events.subscribe(lambda event: seen.append(
        (event, len(layers.of_take(other.connection, event.take_id)))))
    try:
        looper.start()
        drums.connect_to("PortAudio.*:in_")
        looper.record_loop(Player(2, (drummer,), isolated=True), frames=RATE)  # four beats
        wait_for(looper.layer_done.is_set, 10, "the first layer")
        drums.close()  # the drummer stops; the loop goes on
        assert looper.state is LooperState.LOOPING and looper.length == RATE
        looper.layer_done.clear()
        # The singer "plays along" through the cable: what they play is what they hear.
        looper.overdub(Player(1, (singer,), isolated=True))
        wait_for(looper.layer_done.is_set, 10, "the overdub")
    finally:
        looper.stop()
        drums.close()
        other.close()
    # Each layer is announced once it is kept, from the looper's writer thread.
    assert seen == [(TakeChanged(looper.take_id, session_id), 1),
                    (TakeChanged(looper.take_id, session_id), 2)]
    first, second = looper.layers()
    assert (first.number, second.number) == (1, 2) and second.latency == round_trip
    take = takes.get(library.connection, looper.take_id)
    assert take.frames == RATE and [t.kind for t in take.tracks] == [TrackKind.AUDIO] * 2
    tracks = {t.id: t for t in take.tracks}
    base, layer = (sf.read(library.folder / tracks[n.track_id].file, dtype="float32")[0]
                   for n in (first, second))
    assert len(base) == len(layer) == RATE
    onsets = [_onsets(base), _onsets(layer)]
    assert len(onsets[0]) == len(onsets[1]) >= 3  # a click may be cut where the loop begins
    assert np.max(np.abs(np.subtract(*onsets))) <= RATE // 1000  # within one millisecond
    np.testing.assert_allclose(layer, base, atol=1e-6)  # a digital cable: exactly the same
    assert [tracks[n.track_id].participant_ids for n in (first, second)] == [(drummer,),
                                                                                (singer,)]


def _onsets(samples: np.ndarray) -> list[int]:
    """Frames where a click begins (not one cut off by the start of the loop)."""
    loud = np.flatnonzero(np.abs(samples) > 0.1)
    return [int(f) for i, f in enumerate(loud) if f > 0 and (i == 0 or f - loud[i - 1] > 100)]


def test_a_layer_needs_the_players_consent_and_refusing_changes_nothing(library, studio, band):
    session_id, _drummer, _singer, shy = band
    looper = studio.recording.looper(session_id, "system", RATE, inputs=2)
    with pytest.raises(ConsentRefused, match="Shy"):
        looper.record_loop(Player(1, (shy,), isolated=True))
    with pytest.raises(ConsentRefused, match="Shy"):  # a room mic hears everyone present
        looper.record_loop(Player(1, ()))
    assert looper.state is LooperState.IDLE and takes.for_session(library.connection,
                                                                   session_id) == []


def test_undo_leaves_a_layer_out_but_keeps_it_and_redo_brings_it_back(library, studio, band):
    session_id, drummer, _singer, _shy = band
    with library.transaction() as db:
        take_id = takes.start(db, session_id, RATE)
        tracks = [takes.add_track(db, take_id, TrackKind.AUDIO, input=1,
                                  participant_ids=[drummer]) for _ in range(3)]
        for track in tracks:
            layers.add(db, track.id, latency=64)
    db = library.connection
    keeper = SessionLayerKeeper(studio, session_id, "system", RATE)  # the looper's, in the studio
    seen = []
    studio.events.subscribe(seen.append)
    assert [layer.number for layer in keeper.of_take(take_id)] == [1, 2, 3]
    assert keeper.undo(take_id).track_id == tracks[2].id
    assert keeper.undo(take_id).track_id == tracks[1].id
    assert [layer.audible for layer in keeper.of_take(take_id)] == [True, False, False]
    assert keeper.redo(take_id).track_id == tracks[1].id
    keeper.set_muted(take_id, tracks[0].id, True)
    assert [layer.audible for layer in keeper.of_take(take_id)] == [False, True, False]
    assert layers.left_out(db, take_id) == {tracks[0].id, tracks[2].id}
    assert seen == [TakeChanged(take_id, session_id)] * 4  # undone, undone, redone, muted
    with library.transaction() as tx:  # a new layer: what was undone stays undone, and kept
        newest = takes.add_track(tx, take_id, TrackKind.AUDIO, input=1)
        layers.add(tx, newest.id)
    assert keeper.redo(take_id) is None
    assert len(seen) == 4  # nothing changed, nothing announced
    assert len(keeper.of_take(take_id)) == 4 and keeper.of_take(take_id)[2].undone


def test_a_counted_in_loop_begins_on_the_downbeat_and_its_click_lands_on_the_beats(
        rig, library, studio, band):
    from mt_studio.core.metronome import beat_frame, count_in

    session_id, _drummer, singer, _shy = band
    round_trip = measure_round_trip("system", RATE, output=1, input=1)
    looper = studio.recording.looper(session_id, "system", RATE, inputs=1,
                                     round_trip=round_trip)
    numbers = []
    try:
        looper.start()
        looper.set_click(240)  # a beat every quarter second
        # The singer plays along with what they hear, through the cable: the count-in and the
        # click. A bar of count-in at 240 BPM, then a bar recorded.
        looper.record_loop(Player(1, (singer,), isolated=True), frames=RATE,
                           count_in=count_in(240, 4, 1, RATE))
        wait_for(lambda: numbers.append(looper.counting_in()) or looper.layer_done.is_set(),
                 10, "the counted-in layer")
    finally:
        looper.stop()
    shown = [n for i, n in enumerate(numbers) if n is not None and (i == 0 or n != numbers[i - 1])]
    assert shown == [1, 2, 3, 4]  # the big numbers, in order, each beat once
    (layer,) = looper.layers()
    take = takes.get(library.connection, looper.take_id)
    sound = sf.read(library.folder / take.tracks[0].file, dtype="float32")[0]
    beats = [beat_frame(k, 240, RATE) for k in range(4)]
    onsets = _onsets(np.concatenate([[0.0], sound]))  # a click on frame 0 counts too
    assert len(onsets) == 4
    assert np.max(np.abs(np.subtract([o - 1 for o in onsets], beats))) <= RATE // 1000


def test_a_layer_never_writes_over_a_file_already_at_its_path(rig, library, studio, band):
    session_id, drummer, _singer, _shy = band
    # In a library without takes, the looper's first layer is take 1's track 1.
    planted = library.folder / "audio" / "take-1" / "track-1.wav"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"an older take's recording")
    looper = studio.recording.looper(session_id, "system", RATE, inputs=2, round_trip=0)
    seen = []
    studio.events.subscribe(seen.append)
    try:
        looper.start()
        looper.record_loop(Player(2, (drummer,), isolated=True), frames=RATE // 4)
        wait_for(lambda: looper.problem is not None, 10, "the layer to be refused")
        assert looper.state is LooperState.LOOPING  # it still plays in the loop
    finally:
        looper.stop()
    assert str(planted) in looper.problem and "never writes over" in looper.problem
    assert planted.read_bytes() == b"an older take's recording"
    assert list(planted.parent.iterdir()) == [planted]
    assert looper.take_id is None and takes.for_session(library.connection, session_id) == []
    assert seen == []  # a layer not kept is not announced


def test_a_layer_played_with_any_label_the_set_up_allows_is_kept(library, studio, band):
    """The input's label becomes the layer's track's instrument, as long as the set-up lets
    it be; one its track could not keep is refused before the layer is played, never after."""
    from mt_studio.core.errors import InputError
    from mt_studio.core.looper import LayerToKeep

    session_id, drummer, _singer, _shy = band
    keeper = SessionLayerKeeper(studio, session_id, "system", RATE)
    player = Player(1, (drummer,), isolated=True, label="Snare, kick and the old floor tom "
                    "from the storeroom, with brushes, sticks and a tambourine")
    assert 80 < len(player.label) <= 100
    assert keeper.heard(player) == (drummer,)

    def write(path):
        from mt_studio.core.looper import _write_durably

        return _write_durably(path, np.zeros(RATE // 10, np.float32), RATE)

    take_id, track_id = keeper.keep(None, LayerToKeep(player, (drummer,), RATE // 10, 0), write)
    assert takes.get(library.connection, take_id).tracks[0].instrument == player.label
    with pytest.raises(InputError, match="instrument"):
        keeper.heard(Player(1, (drummer,), isolated=True, label="Drums\u200b"))
