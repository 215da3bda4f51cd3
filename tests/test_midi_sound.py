"""The demo take's MIDI part heard like any track: played through a real JACK device, looped,
in practice versions and in an exported mix, from a cache of its synthesized sound."""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf
from jack_rig import wait_for
from test_playback import Listener, found_at, output  # noqa: F401 (a fixture)

from mt_studio.core import midi_audio, synth
from mt_studio.core.demo import BAR
from mt_studio.core.domain import Purpose, TrackKind
from mt_studio.core.errors import InputError
from mt_studio.core.export import ExportRequest
from mt_studio.core.looping import LoopRegion
from mt_studio.core.midi_audio import midi_track_sound, remove_stale_midi_renders
from mt_studio.core.mixing import TrackMix, mix_to_stereo, stereo_gains
from mt_studio.core.playback import TakePlayer
from mt_studio.core.practice import PracticeSettings, practice_version
from mt_studio.core.presets import AudioFormat
from tests.conftest import take_sound

RATE = 48000


def midi_track(take):
    return next(track for track in take.tracks if track.kind is TrackKind.MIDI)


def tracks_of(player: TakePlayer) -> np.ndarray:
    """What each of the player's tracks sounds, read whole: (tracks, frames)."""
    return np.stack([np.concatenate([sf.read(path, dtype="float32")[0] for path in paths])
                     for paths in player.sources])


def envelope(samples: np.ndarray, frames: int = 960) -> np.ndarray:
    """The RMS of every FRAMES frames (20 ms)."""
    whole = len(samples) // frames * frames
    return np.sqrt(np.mean(np.square(samples[:whole].reshape(-1, frames)), axis=1))


def test_the_player_plays_the_midi_part_with_its_own_mix_row(output, library, demo_take):  # noqa: F811
    player = TakePlayer(take_sound(library, demo_take.id), device="system")
    player.prepare()
    keys = midi_track(demo_take)
    assert player.track_ids == [t.id for t in demo_take.tracks] and player.midi_problem is None
    row = player.track_ids.index(keys.id)
    for index in range(len(player.track_ids)):  # everything else muted: the synthesizer alone
        player.set_mix(index, TrackMix(mute=index != row, pan=-0.5))
    listener = Listener(output, seconds=10)
    try:
        player.open()
        listener.connect_from("PortAudio.*:out_")
        player.play()
        wait_for(lambda: player.position > 2 * RATE, 15, "two seconds played")
        muted_at = listener.count
        player.set_mix(row, TrackMix(mute=True, pan=-0.5))  # its row's mute
        wait_for(lambda: listener.count > muted_at + RATE, 10, "a second after the mute")
        player.stop()
    finally:
        player.close()
        listener.close()
    heard = listener.samples[:listener.count]
    expected = mix_to_stereo(tracks_of(player), stereo_gains(player.mixes[:row] + [
        TrackMix(pan=-0.5)] + player.mixes[row + 1:]))
    start = found_at(heard, expected[RATE // 2:RATE // 2 + 2000]) - RATE // 2
    np.testing.assert_allclose(heard[start:start + 2 * RATE], expected[:2 * RATE], atol=1e-6)
    assert np.sqrt(np.mean(heard[start:start + 2 * RATE] ** 2)) > 0.01  # the keys, heard
    assert heard[:, 0].std() > heard[:, 1].std()  # panned left, as its row says
    assert not heard[muted_at + RATE // 2:].any()  # and silent once its row is muted


def test_a_loop_repeats_the_midi_part_with_the_audio_sample_for_sample(
        output, library, demo_take):  # noqa: F811
    player = TakePlayer(take_sound(library, demo_take.id), device="system")
    player.prepare()
    loop = LoopRegion(BAR, BAR + 57_000)  # from the second bar's chord, not a block multiple
    player.set_loop(loop)
    listener = Listener(output, seconds=10)
    try:
        player.open()
        listener.connect_from("PortAudio.*:out_")
        player.play(BAR - RATE // 4)
        wait_for(lambda: listener.count > 4 * RATE, 15, "four seconds of sound")
        player.stop()
    finally:
        player.close()
        listener.close()
    tracks = tracks_of(player)
    keys = tracks[player.track_ids.index(midi_track(demo_take).id)]
    assert envelope(keys[loop.start:loop.end]).max() > 0.02  # the loop holds the keys' chord
    mix = mix_to_stereo(tracks, stereo_gains(player.mixes))
    length = 3 * RATE
    expected = np.concatenate([mix[BAR - RATE // 4:loop.end],
                               np.tile(mix[loop.start:loop.end], (3, 1))])[:length]
    heard = listener.samples[:listener.count]
    start = found_at(heard, expected[:2000])
    np.testing.assert_allclose(heard[start:start + length], expected, atol=1e-6)


def test_a_practice_version_has_the_midi_part_slowed_down_with_the_rest(library, demo_take):
    player = TakePlayer(take_sound(library, demo_take.id))
    player.prepare()
    region = (BAR, 2 * BAR)
    version = practice_version(library.folder, player.sources, PracticeSettings(speed=0.8),
                               samplerate=RATE, start=region[0], stop=region[1])
    keys = tracks_of(player)[player.track_ids.index(midi_track(demo_take).id)]
    player.set_practice(version)
    assert len(version.tracks) == len(player.track_ids) == len(demo_take.tracks)
    row = player.track_ids.index(midi_track(demo_take).id)
    slowed = sf.read(version.tracks[row][0], dtype="float32")[0]
    heard, played = envelope(slowed), envelope(keys[region[0]:region[1]])
    # The keys' rhythm at 80 %: each moment of the bar comes 1.25 times later.
    stretched = np.interp(np.arange(len(heard)) * 0.8, np.arange(len(played)), played)
    assert heard.max() > 0.02
    assert np.corrcoef(heard, stretched)[0, 1] > 0.9


def test_an_exported_mix_has_the_midi_part_and_stems_keep_the_mid_file(
        library, studio, demo_take, tmp_path):
    keys = midi_track(demo_take)
    sound = sf.read(midi_track_sound(library.folder, library.folder / keys.file, RATE,
                                     demo_take.frames), dtype="float32")[0]
    mix = studio.sharing.export(ExportRequest(
        demo_take.id, Purpose.GROUP, tmp_path / "mix", format=AudioFormat.WAV, bit_depth=32,
        track_ids=(keys.id,), mixes={keys.id: TrackMix(gain_db=-2.0)}))
    written = sf.read(mix.folder / "Take 1.wav", dtype="float32")[0]
    expected = (stereo_gains([TrackMix(gain_db=-2.0)]).T @ sound[None, :]).T
    np.testing.assert_allclose(written, expected, atol=1e-6)
    assert envelope(written[:, 0]).max() > 0.02
    assert sorted(p.suffix for p in mix.folder.iterdir() if p.suffix in (".wav", ".mid")) == [
        ".mid", ".wav"]

    stems = studio.sharing.export(ExportRequest(demo_take.id, Purpose.GROUP, tmp_path / "stems",
                                                format=AudioFormat.WAV, stems=True))
    names = sorted(p.name for p in stems.folder.iterdir() if p.suffix in (".wav", ".mid"))
    assert len(names) == len(demo_take.tracks) and names[-1].endswith("05 MIDI.mid")
    assert all(sf.info(stems.folder / name).frames == demo_take.frames
               for name in names if name.endswith(".wav"))  # four audio stems, no synthesis


def test_a_muted_midi_row_is_left_out_of_the_export_and_of_who_must_consent(
        studio, demo_take, tmp_path):
    keys, bass = midi_track(demo_take), demo_take.tracks[1]
    result = studio.sharing.export(ExportRequest(
        demo_take.id, Purpose.GROUP, tmp_path, format=AudioFormat.WAV,
        track_ids=(bass.id, keys.id), mixes={keys.id: TrackMix(mute=True)}))
    assert not list(result.folder.glob("*.mid")) and len(result.plan.sounding_mixes) == 1
    assert [p.pseudonym for p in result.plan.heard] == ["Demo Bassist"]


def test_without_a_synthesizer_the_audio_plays_and_a_mix_export_says_what_to_do(
        library, studio, demo_take, tmp_path, monkeypatch):
    monkeypatch.setenv(synth.SOUNDFONT_ENV, str(tmp_path / "none.sf2"))
    player = TakePlayer(take_sound(library, demo_take.id))
    player.prepare()
    assert player.track_ids == [t.id for t in demo_take.tracks if t.kind is TrackKind.AUDIO]
    assert "none.sf2" in player.midi_problem
    with pytest.raises(InputError, match="none.sf2.*export stems") as refused:
        studio.sharing.export(ExportRequest(demo_take.id, Purpose.GROUP, tmp_path / "out",
                                            format=AudioFormat.WAV))
    assert "nothing was written" in str(refused.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    stems = studio.sharing.export(ExportRequest(demo_take.id, Purpose.GROUP, tmp_path / "out",
                                                format=AudioFormat.WAV, stems=True))
    assert len(list(stems.folder.glob("*.mid"))) == 1


def test_the_sound_is_rendered_once_and_again_when_its_midi_file_changes(library, demo_take):
    midi_file = library.folder / midi_track(demo_take).file
    first = midi_track_sound(library.folder, midi_file, RATE, demo_take.frames)
    made = first.stat().st_mtime_ns
    assert midi_track_sound(library.folder, midi_file, RATE, demo_take.frames) == first
    assert first.stat().st_mtime_ns == made  # from the cache
    with open(first, "r+b") as damaged:  # cut short: made again, whole
        damaged.truncate(first.stat().st_size // 2)
    assert midi_track_sound(library.folder, midi_file, RATE, demo_take.frames) == first
    assert sf.info(first).frames == demo_take.frames
    assert remove_stale_midi_renders(library.folder) == 0

    os.utime(midi_file, ns=(made, made + 10**9))  # the take's MIDI changed (or went)
    second = midi_track_sound(library.folder, midi_file, RATE, demo_take.frames)
    assert second != first
    assert remove_stale_midi_renders(library.folder) == 1
    assert sorted(p.name for p in (library.folder / midi_audio.CACHE_FOLDER).iterdir()) == [
        second.with_suffix(".json").name, second.name]
