"""Plain playback of a take through a real JACK device, heard by a JACK client that records it."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import date

import numpy as np
import pytest
import soundfile as sf
from jack_rig import JackServer, seen_by_portaudio, wait_for

from mt_studio.core.capture import devices
from mt_studio.core.domain import SessionKind, TakeStatus, TrackKind
from mt_studio.core.errors import DeviceError
from mt_studio.core.library import sessions, takes
from mt_studio.core.looping import LoopRegion, looped
from mt_studio.core.mixing import TrackMix, mix_to_stereo, stereo_gains
from mt_studio.core.playback import TakePlayer, play_once
from tests.conftest import take_sound

RATE = 48000


class Listener:
    """A JACK client with two inputs that keeps everything it hears, from its own thread."""

    def __init__(self, server: JackServer, seconds: float) -> None:
        self.samples = np.zeros((int(seconds * RATE), 2), dtype=np.float32)
        self.count = 0
        self.client = server.client(f"mt-test-ear-{uuid.uuid4().hex[:6]}")
        self.ports = [self.client.inports.register(f"in_{n + 1}") for n in range(2)]
        self.client.set_process_callback(self._process)
        self.client.activate()

    def _process(self, frames: int) -> None:
        room = min(frames, len(self.samples) - self.count)
        for channel, port in enumerate(self.ports):
            self.samples[self.count:self.count + room, channel] = port.get_array()[:room]
        self.count += room

    def connect_from(self, pattern: str, timeout: float = 20.0, ports: int = 2) -> None:
        """Connect the player's outputs (PORTS ports matching PATTERN) to the inputs."""
        wait_for(lambda: len(self.client.get_ports(pattern, is_audio=True, is_output=True))
                 >= ports, timeout, "the player's output ports")
        sources = sorted(p.name for p in self.client.get_ports(pattern, is_audio=True,
                                                               is_output=True))
        for source, port in zip(sources, self.ports, strict=False):
            self.client.connect(source, port)

    def close(self) -> None:
        self.client.deactivate()
        self.client.close()


@pytest.fixture
def output():
    """A JACK server that PortAudio in this process sees as the output device 'system'."""
    with (JackServer(samplerate=RATE, period=256, inputs=2, outputs=2, synchronous=True) as server,
          seen_by_portaudio(server)):
        yield server


def synthetic_take(library, seconds: float = 1.5) -> tuple[int, np.ndarray]:
    """A take of two audio tracks (one split into two parts) and a MIDI track; its tracks."""
    frames = int(seconds * RATE)
    rng = np.random.default_rng(7)
    noise = (0.2 * rng.standard_normal(frames)).clip(-0.9, 0.9).astype(np.float32)
    tone = (0.3 * np.sin(2 * np.pi * 330 * np.arange(frames) / RATE)).astype(np.float32)
    with library.transaction() as db:
        session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 3, 2))
        take_id = takes.start(db, session.id, RATE)
        first = takes.add_track(db, take_id, TrackKind.AUDIO, input=1)
        second = takes.add_track(db, take_id, TrackKind.AUDIO, input=2)
        takes.add_track(db, take_id, TrackKind.MIDI, port="keys")
        split = frames // 3
        part_two = f"audio/take-{take_id}/track-{second.id}.2.wav"
        takes.add_part(db, second.id, 1, 0, split, second.file)
        takes.add_part(db, second.id, 2, split, frames - split, part_two)
        takes.finish(db, take_id, frames, status=TakeStatus.COMPLETE)
    folder = library.folder / f"audio/take-{take_id}"
    folder.mkdir(parents=True)
    sf.write(library.folder / first.file, noise, RATE, subtype="FLOAT")
    sf.write(library.folder / second.file, tone[:split], RATE, subtype="FLOAT")
    sf.write(library.folder / part_two, tone[split:], RATE, subtype="FLOAT")
    return take_id, np.stack([noise, tone])


def test_the_player_plays_the_mix_of_the_audio_tracks_to_the_end(output, library):
    take_id, tracks = synthetic_take(library)
    player = TakePlayer(take_sound(library, take_id), device="system")
    listener = Listener(output, seconds=6)
    try:
        player.open()
        listener.connect_from("PortAudio.*:out_")
        player.play()
        assert player.wait(15) and player.reached_end and player.problem is None
        assert player.position == player.frames == tracks.shape[1]
    finally:
        player.close()
        listener.close()
    heard = listener.samples[:listener.count]
    start = onset(heard)
    expected = mix_to_stereo(tracks, stereo_gains(player.mixes))
    played = heard[start:start + len(expected)]
    assert len(played) == len(expected)
    np.testing.assert_allclose(played, expected, atol=1e-6)
    assert not heard[start + len(expected):].any()  # nothing after the end


def onset(heard: np.ndarray) -> int:
    """The first frame the listener heard anything."""
    return int(np.flatnonzero(np.abs(heard[:, 0]) > 0)[0])


def found_at(heard: np.ndarray, pattern: np.ndarray) -> int:
    """Where PATTERN (frames, 2) of noisy audio first appears in HEARD, exactly."""
    candidates = np.flatnonzero(np.abs(heard[:, 0] - pattern[0, 0]) < 1e-7)
    for at in candidates:
        if np.allclose(heard[at:at + len(pattern)], pattern, atol=1e-6):
            return int(at)
    raise AssertionError("the pattern was never heard")


def test_a_loop_sounds_as_its_region_repeated_sample_for_sample(output, library):
    take_id, tracks = synthetic_take(library, seconds=2)
    player = TakePlayer(take_sound(library, take_id), device="system")
    loop = LoopRegion(RATE // 2, RATE // 2 + 19_200)  # 0.4 s from 0.5 s: not a block multiple
    player.set_loop(loop)
    listener = Listener(output, seconds=8)
    positions = []
    try:
        player.open()
        listener.connect_from("PortAudio.*:out_")
        player.play(start_frame=RATE // 4)
        wait_for(lambda: listener.count > 3 * RATE, 15, "three seconds of sound")
        positions = [player.position for _ in range(200)]
        player.stop()
    finally:
        player.close()
        listener.close()
    assert not player.reached_end and player.problem is None
    assert all(loop.start <= p < loop.end for p in positions)
    mix = mix_to_stereo(tracks, stereo_gains(player.mixes))
    heard = listener.samples[:listener.count]
    start = onset(heard)
    length = 2 * RATE  # well within what was heard before the stop
    region = mix[loop.start:loop.end]
    expected = np.concatenate([mix[RATE // 4:loop.end],
                               np.tile(region, (length // loop.frames + 1, 1))])[:length]
    np.testing.assert_allclose(heard[start:start + length], expected, atol=1e-6)


def test_a_loop_set_at_once_while_playing_is_heard_at_once_with_its_crossfade(output, library):
    take_id, tracks = synthetic_take(library, seconds=3)
    player = TakePlayer(take_sound(library, take_id), device="system")
    loop = LoopRegion(2 * RATE, 2 * RATE + 12_000, crossfade=240)  # 5 ms against clicks
    listener = Listener(output, seconds=10)
    try:
        player.open()
        listener.connect_from("PortAudio.*:out_")
        player.play()
        wait_for(lambda: player.position > RATE // 2, 10, "half a second played")
        asked_at = listener.count
        player.set_loop(loop, at_once=True)
        wait_for(lambda: loop.start <= player.position < loop.end, 5, "the loop to be heard")
        heard_loop_at = listener.count
        wait_for(lambda: listener.count > heard_loop_at + RATE, 10, "a second of the loop")
        player.stop()
    finally:
        player.close()
        listener.close()
    heard = listener.samples[:listener.count]
    mix = mix_to_stereo(tracks, stereo_gains(player.mixes))
    steady = looped(mix, 2 * loop.frames, position=loop.start, loop=loop)[loop.frames:]
    first = found_at(heard, steady[:2000])
    assert first - asked_at < RATE // 4  # heard at once, not after what the ring held
    periods = (listener.count - first) // loop.frames - 1
    assert periods >= 3
    np.testing.assert_allclose(heard[first:first + periods * loop.frames],
                               np.tile(steady, (periods, 1)), atol=1e-6)


def test_muting_a_track_while_it_plays_leaves_the_others_in_the_mix(output, library):
    take_id, tracks = synthetic_take(library, seconds=3)
    player = TakePlayer(take_sound(library, take_id), device="system")
    listener = Listener(output, seconds=10)
    try:
        player.open()
        listener.connect_from("PortAudio.*:out_")
        player.play()
        wait_for(lambda: player.position > RATE // 2, 10, "half a second played")
        player.set_mix(0, TrackMix(mute=True))
        player.set_mix(1, TrackMix(gain_db=-6.0, pan=0.5))
        assert player.wait(15) and player.reached_end
    finally:
        player.close()
        listener.close()
    heard = listener.samples[:listener.count]
    start = onset(heard)
    before = mix_to_stereo(tracks, stereo_gains([TrackMix(), TrackMix()]))
    after = mix_to_stereo(tracks, stereo_gains(player.mixes))
    np.testing.assert_allclose(heard[start:start + RATE // 2], before[:RATE // 2], atol=1e-6)
    late = slice(2 * RATE, 3 * RATE)  # long after the change reached the ring
    np.testing.assert_allclose(heard[start + late.start:start + late.stop], after[late],
                               atol=1e-6)
    assert after[late, 0].std() < after[late, 1].std()  # panned right of centre


def test_the_playhead_advances_from_where_it_starts_and_stop_stops_the_sound(output, library):
    take_id, _tracks = synthetic_take(library, seconds=4)
    player = TakePlayer(take_sound(library, take_id))  # the default output: JACK's system device
    listener = Listener(output, seconds=10)
    try:
        player.open()
        listener.connect_from("PortAudio.*:out_")
        player.play(start_frame=RATE)
        assert player.playing
        wait_for(lambda: player.position > RATE + RATE // 2, 10, "the playhead to move")
        player.stop()
        assert not player.playing and not player.reached_end
        stopped_at = player.position
        assert RATE + RATE // 2 < stopped_at < player.frames
        heard_at_stop = listener.count
        wait_for(lambda: listener.count > heard_at_stop + RATE // 4, 10, "time to pass")
        assert player.position == stopped_at
        assert not listener.samples[heard_at_stop + 2048:listener.count].any()
    finally:
        player.close()
        listener.close()


def test_without_an_output_device_playing_says_so_plainly(library, monkeypatch):
    take_id, _tracks = synthetic_take(library, seconds=0.2)
    monkeypatch.setenv("JACK_DEFAULT_SERVER", f"mt-test-absent-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    devices.refresh()
    player = TakePlayer(take_sound(library, take_id))
    with pytest.raises(DeviceError) as raised:
        player.play()
    assert "No audio output" in str(raised.value) and "PortAudio" not in str(raised.value)
    assert not player.playing and player.position == 0


def test_a_one_off_sound_plays_and_a_device_rescan_meanwhile_leaves_it_alone(output):
    tone = (0.25 * np.sin(2 * np.pi * 440 * np.arange(RATE * 2) / RATE)).astype(np.float32)
    listener = Listener(output, seconds=6)
    playing = threading.Thread(target=play_once, args=(tone, RATE, "system"))
    try:
        playing.start()
        listener.connect_from("PortAudio.*:out_", ports=1)  # a mono stream
        wait_for(lambda: np.abs(listener.samples[:listener.count, 0]).max(initial=0) > 0.2, 10,
                 "the tone to be heard")
        devices.refresh()  # restarting PortAudio now would pull the stream from under it
        heard_before = listener.count
        wait_for(lambda: listener.count > heard_before + RATE // 4, 10, "time to pass")
        assert np.abs(listener.samples[heard_before:listener.count, 0]).max() > 0.2
        playing.join(10)
        assert not playing.is_alive()
    finally:
        listener.close()
    heard = listener.samples[:listener.count, 0]
    assert 0.24 < np.abs(heard).max() < 0.26


def test_the_play_command_loops_a_region_until_its_duration(output, library, cli):
    take_id, _tracks = synthetic_take(library, seconds=2)
    library.close()  # the command opens the library itself, as another program would
    listener = Listener(output, seconds=6)
    try:
        result = cli("--library", library.folder, "play", take_id, "--loop", "0.5-0.9",
                     "--device", "system", "--duration", "1.5", "--json")
    finally:
        listener.close()
    assert result.code == 0, result.err
    played = json.loads(result.out)
    assert played["loop"] == [RATE // 2, int(0.9 * RATE)] and not played["reached_end"]
    assert RATE // 2 <= played["position"] < int(0.9 * RATE)


def test_the_play_command_practises_a_loop_slower(output, library, cli):
    take_id, _tracks = synthetic_take(library, seconds=2)
    library.close()
    listener = Listener(output, seconds=6)
    try:
        result = cli("--library", library.folder, "play", take_id, "--loop", "0.5-1",
                     "--speed", "75", "--transpose", "-2", "--device", "system",
                     "--duration", "1", "--json")
    finally:
        listener.close()
    assert result.code == 0, result.err
    played = result.json()
    assert (played["speed"], played["semitones"]) == (0.75, -2.0)
    assert RATE // 2 <= played["position"] <= RATE
    assert len(list((library.folder / "cache" / "practice").glob("*.wav"))) == 2
    refused = cli("--library", library.folder, "play", take_id, "--speed", "200")
    assert refused.code == 2 and "from 50 to 150" in refused.err


def test_the_play_command_refuses_a_loop_it_cannot_make_and_names_it(library, cli):
    take_id, _tracks = synthetic_take(library, seconds=1)
    library.close()
    for loop, words in (("0.8-0.2", "ends before it starts"), ("0.5-9", "after the take's end"),
                        ("chorus", "this take has none"), ("1:99-2", "'1:99' is not a time")):
        result = cli("--library", library.folder, "play", take_id, "--loop", loop)
        assert result.code == 2 and words in result.err, (loop, result.err)
    result = cli("--library", library.folder, "play", 999, "--loop", "0-1")
    assert result.code == 2 and "999" in result.err


def test_the_metronome_clicks_on_the_beats_of_the_take_and_follows_a_loop(output, library):
    from mt_studio.core.metronome import BeatGrid

    take_id, tracks = synthetic_take(library, seconds=2)
    player = TakePlayer(take_sound(library, take_id), device="system")
    grid = BeatGrid(120, 4, first=RATE // 10)
    player.set_click(grid)
    loop = LoopRegion(RATE // 2, RATE)
    player.set_loop(loop)
    listener = Listener(output, seconds=8)
    try:
        player.open()
        listener.connect_from("PortAudio.*:out_")
        player.play()
        wait_for(lambda: listener.count > 3 * RATE, 15, "three seconds of sound")
        player.stop()
    finally:
        player.close()
        listener.close()
    mix = mix_to_stereo(tracks, stereo_gains(player.mixes))
    heard = listener.samples[:listener.count]
    start = onset(heard)
    frames = looped(np.arange(len(mix)), 2 * RATE, 0, loop).astype(int)  # take frame of each
    expected = np.clip(mix[frames] + grid.clicks(RATE, 0, len(mix))[frames][:, None], -1, 1)
    np.testing.assert_allclose(heard[start:start + 2 * RATE], expected, atol=1e-6)


def test_a_practice_version_plays_in_its_place_with_positions_and_loops_in_take_frames(
        output, library):
    from mt_studio.core.practice import PracticeSettings, practice_version

    take_id, tracks = synthetic_take(library, seconds=2)
    player = TakePlayer(take_sound(library, take_id), device="system")
    slower = practice_version(library.folder, player.sources, PracticeSettings(speed=0.8),
                              samplerate=RATE)
    player.set_practice(slower)
    loop = LoopRegion(RATE // 2, RATE)  # in the take's frames
    player.set_loop(loop)
    listener = Listener(output, seconds=8)
    positions = []
    try:
        player.open()
        listener.connect_from("PortAudio.*:out_")
        player.play(RATE // 2)
        wait_for(lambda: listener.count > 2 * RATE, 15, "two seconds of sound")
        positions = [player.position for _ in range(100)]
        player.stop()
    finally:
        player.close()
        listener.close()
    assert all(loop.start <= p <= loop.end for p in positions)  # take frames, not the version's
    version = np.stack([sf.read(path, dtype="float32")[0] for (path,) in slower.tracks])
    region = mix_to_stereo(version, stereo_gains(player.mixes))[
        slower.to_version(loop.start):slower.to_version(loop.end)]
    assert len(region) == round(0.5 * RATE / 0.8)  # the loop lasts longer at 80 %
    heard = listener.samples[:listener.count]
    start = onset(heard)
    np.testing.assert_allclose(heard[start:start + 2 * len(region)],
                               np.concatenate([region, region]), atol=1e-6)


class _Inverted:
    """A block processor as a plugin's effect gives one: here, the polarity turned."""

    def process(self, block: np.ndarray) -> np.ndarray:
        return -block


def test_an_effect_set_on_the_player_is_heard_on_the_mix(output, library):
    take_id, tracks = synthetic_take(library)
    player = TakePlayer(take_sound(library, take_id), device="system")
    player.set_effects([_Inverted()])
    listener = Listener(output, seconds=6)
    try:
        player.open()
        listener.connect_from("PortAudio.*:out_")
        player.play()
        assert player.wait(15) and player.reached_end
    finally:
        player.close()
        listener.close()
    heard = listener.samples[:listener.count]
    start = int(np.flatnonzero(np.abs(heard).max(axis=1) > 0)[0])
    expected = -mix_to_stereo(tracks, stereo_gains(player.mixes))
    np.testing.assert_allclose(heard[start:start + len(expected)], expected, atol=1e-6)
