"""Practice versions: speed without a pitch change, transposition, one length for a take's
tracks, the cache, cancelling, and bad input refused by name."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mt_studio.core import practice
from mt_studio.core.errors import InputError
from mt_studio.core.practice import (
    PracticeSettings,
    RenderCancelled,
    practice_version,
    remove_stale_practice_versions,
    render_track,
)

RATE = 48000


def sine(seconds: float, frequency: float = 440.0, level: float = 0.5) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def write(path: Path, samples: np.ndarray, subtype: str = "FLOAT") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, samples, RATE, subtype=subtype, format="WAV")
    return path


def peak_frequency(samples: np.ndarray) -> float:
    """The strongest frequency, interpolated between FFT bins (edges left out)."""
    middle = samples[len(samples) // 8: -len(samples) // 8]
    spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle))))
    k = int(np.argmax(spectrum))
    a, b, c = np.log(spectrum[k - 1: k + 2] + 1e-12)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * RATE / len(middle)


def cache_files(library: Path) -> list[Path]:
    folder = library / practice.CACHE_FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.mark.parametrize("speed", [0.75, 1.4])
def test_speed_keeps_the_pitch_and_scales_the_length(tmp_path, speed):
    source = write(tmp_path / "a.wav", sine(2.0))
    out = tmp_path / "out.wav"
    frames = render_track([source], PracticeSettings(speed), out, samplerate=RATE)
    rendered, rate = sf.read(out, dtype="float32")
    assert rate == RATE and sf.info(out).subtype == "FLOAT"
    assert frames == len(rendered) == round(2.0 * RATE / speed)
    assert peak_frequency(rendered) == pytest.approx(440.0, rel=0.01)


@pytest.mark.parametrize("semitones", [5, -6])
def test_transposing_moves_the_frequency_by_semitones(tmp_path, semitones):
    source = write(tmp_path / "a.wav", sine(2.0))
    out = tmp_path / "out.wav"
    render_track([source], PracticeSettings(1.0, semitones), out, samplerate=RATE)
    rendered, _ = sf.read(out, dtype="float32")
    assert len(rendered) == 2 * RATE
    assert peak_frequency(rendered) == pytest.approx(440.0 * 2 ** (semitones / 12), rel=0.01)


def test_a_region_of_a_two_part_track_renders_as_one_stream(tmp_path):
    whole = np.concatenate([sine(1.0, 330.0), sine(1.0, 550.0)])
    single = write(tmp_path / "single.wav", whole, "PCM_24")
    parts = [write(tmp_path / "p1.wav", whole[:37_000], "PCM_24"),
             write(tmp_path / "p2.wav", whole[37_000:], "PCM_24")]
    settings = PracticeSettings(0.8, 2)
    render_track([single], settings, tmp_path / "one.wav", samplerate=RATE, start=20_000,
                 stop=90_000)
    render_track(parts, settings, tmp_path / "two.wav", samplerate=RATE, start=20_000,
                 stop=90_000)
    one, _ = sf.read(tmp_path / "one.wav", dtype="float32")
    two, _ = sf.read(tmp_path / "two.wav", dtype="float32")
    assert len(two) == round(70_000 / 0.8)
    np.testing.assert_array_equal(one, two)


def test_long_regions_are_stretched_in_pieces_that_join_on_time(tmp_path, monkeypatch):
    monkeypatch.setattr(practice, "PIECE_SECONDS", 1.0)
    monkeypatch.setattr(practice, "JOIN_SEARCH_SECONDS", 0.3)
    monkeypatch.setattr(practice, "CONTEXT_SECONDS", 0.25)
    speed = 0.75
    samples = sine(5.0, 220.0, 0.3)
    clicks = np.arange(RATE // 4, len(samples), RATE // 4)
    samples[clicks] += 0.6
    source = write(tmp_path / "a.wav", samples)
    seen: list[float] = []
    render_track([source], PracticeSettings(speed), tmp_path / "out.wav", samplerate=RATE,
                 progress=seen.append)
    rendered, _ = sf.read(tmp_path / "out.wav", dtype="float32")
    assert len(rendered) == round(len(samples) / speed)
    assert len(seen) >= 5 and seen == sorted(seen) and seen[-1] == 1.0
    errors = []
    for click in clicks[:-1]:
        expected = click / speed
        near = rendered[round(expected - 0.02 * RATE): round(expected + 0.02 * RATE)]
        errors.append(abs(int(np.argmax(np.abs(near))) - 0.02 * RATE) / RATE)
    assert max(errors) < 0.006  # every click within 6 ms of where it belongs
    # no dip where pieces join: the tone's level in every 10 ms stays near its median
    levels = np.sqrt(np.mean(rendered[: len(rendered) // 480 * 480].reshape(-1, 480) ** 2,
                             axis=1))
    centres = (np.arange(len(levels)) + 0.5) * 480
    away = np.min(np.abs(centres[:, None] - clicks[None, :] / speed), axis=1) > 0.03 * RATE
    tone = levels[5:-5][away[5:-5]]
    assert len(tone) > 100 and tone.min() > 0.8 * np.median(tone)


def test_the_tracks_of_a_take_render_to_one_length(tmp_path, library):
    long = write(library / "audio" / "t1.wav", sine(2.0, 300.0))
    short = write(library / "audio" / "t2.wav", sine(1.2, 500.0))
    version = practice_version(library, [[long], [short]], PracticeSettings(1.25, -3),
                               samplerate=RATE, start=4800)
    lengths = {sf.info(files[0]).frames for files in version.tracks}
    assert version.rendered and lengths == {version.frames} == {round((2 * RATE - 4800) / 1.25)}
    second, _ = sf.read(version.tracks[1][0], dtype="float32")
    past_its_end = version.to_version(round(1.3 * RATE))
    assert np.abs(second[past_its_end:]).max() < 1e-3  # silence where the short track ended


def test_version_frames_map_onto_take_frames(tmp_path, library):
    source = write(library / "a.wav", sine(1.0))
    version = practice_version(library, [[source]], PracticeSettings(0.5),
                               samplerate=RATE, start=1000, stop=25_000)
    assert (version.origin, version.frames) == (1000, 48_000)
    assert version.to_take(0) == 1000 and version.to_take(48_000) == 25_000
    assert version.to_version(1000) == 0 and version.to_version(13_000) == 24_000
    for frame in (1000, 1001, 7777, 24_999):  # slowed down: every take frame has its own
        assert version.to_take(version.to_version(frame)) == frame


def test_as_recorded_plays_the_originals_without_rendering(tmp_path, library, monkeypatch):
    monkeypatch.setattr(practice, "_stretch", None)  # would fail if called
    parts = [write(library / "a1.wav", sine(0.5)), write(library / "a2.wav", sine(0.5))]
    other = write(library / "b.wav", sine(0.8))
    version = practice_version(library, [parts, [other]], PracticeSettings(1.0, 0),
                               samplerate=RATE, start=100, stop=2000)
    assert version.tracks == (tuple(parts), (other,)) and not version.rendered
    assert (version.origin, version.frames) == (0, RATE)  # the longest track
    assert version.to_take(1234) == 1234
    assert not (library / "cache").exists()


def test_a_cached_version_is_used_again_until_its_source_changes(tmp_path, library,
                                                                 monkeypatch):
    source = write(library / "a.wav", sine(1.0, 440.0))
    settings = PracticeSettings(0.9, 1)
    first = practice_version(library, [[source]], settings, samplerate=RATE)
    path = first.tracks[0][0]
    made = path.stat().st_mtime_ns
    real_stretch = practice._stretch

    def refuse(*args):
        raise AssertionError("recomputed")

    monkeypatch.setattr(practice, "_stretch", refuse)
    again = practice_version(library, [[source]], settings, samplerate=RATE)
    assert again.tracks == first.tracks and path.stat().st_mtime_ns == made

    monkeypatch.setattr(practice, "_stretch", real_stretch)
    write(source, sine(1.0, 660.0))
    os.utime(source, ns=(made + 10**9, made + 10**9))
    changed = practice_version(library, [[source]], settings, samplerate=RATE)
    assert changed.tracks != first.tracks
    rendered, _ = sf.read(changed.tracks[0][0], dtype="float32")
    assert peak_frequency(rendered) == pytest.approx(660 * 2 ** (1 / 12), rel=0.01)


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_damaged_cached_file_is_rendered_again(tmp_path, library, damage):
    source = write(library / "a.wav", sine(1.0))
    settings = PracticeSettings(0.75)
    path = practice_version(library, [[source]], settings, samplerate=RATE).tracks[0][0]
    whole = path.read_bytes()
    expected, _rate = sf.read(path, dtype="float32")
    path.write_bytes(whole[: len(whole) // 2] if damage == "truncate" else b"RIFF" + b"x" * 99)
    again = practice_version(library, [[source]], settings, samplerate=RATE)
    assert again.tracks[0][0] == path
    # Rubber Band renders the same again (to the byte when the machine is quiet; once, under
    # load, not quite, so the check is on the sound).
    rendered, _rate = sf.read(path, dtype="float32")
    np.testing.assert_allclose(rendered, expected, atol=1e-3)


def test_cancelling_midway_leaves_nothing_in_the_cache(tmp_path, library, monkeypatch):
    monkeypatch.setattr(practice, "PIECE_SECONDS", 0.5)
    monkeypatch.setattr(practice, "JOIN_SEARCH_SECONDS", 0.1)
    tracks = [[write(library / f"t{i}.wav", sine(2.0, 200.0 * (i + 1)))] for i in range(2)]
    seen: list[float] = []
    with pytest.raises(RenderCancelled):
        practice_version(library, tracks, PracticeSettings(0.8), samplerate=RATE,
                         progress=seen.append, cancelled=lambda: bool(seen) and seen[-1] > 0.6)
    assert 0.6 < seen[-1] < 1.0  # the first track was done and the second under way
    assert cache_files(library) == []


def test_cancelling_a_single_render_leaves_no_file(tmp_path):
    source = write(tmp_path / "a.wav", sine(1.0))
    with pytest.raises(RenderCancelled):
        render_track([source], PracticeSettings(0.6), tmp_path / "out.wav", samplerate=RATE,
                     cancelled=lambda: True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav"]


@pytest.mark.parametrize(("speed", "semitones", "field"), [
    (0.49, 0, "speed"), (1.51, 0, "speed"), (math.nan, 0, "speed"), ("fast", 0, "speed"),
    (True, 0, "speed"), (1.0, 6.5, "semitones"), (1.0, -7, "semitones"),
    (1.0, math.inf, "semitones"), (1.0, None, "semitones"),
])
def test_settings_out_of_range_are_refused_by_name(speed, semitones, field):
    with pytest.raises(InputError, match=field):
        PracticeSettings(speed, semitones)


def test_settings_at_the_limits_are_accepted():
    assert PracticeSettings(0.5, -6) == PracticeSettings(0.5, -6.0)
    assert PracticeSettings(1.5, 6).semitones == 6.0
    assert PracticeSettings(1, 0).is_original and not PracticeSettings(1, 0.5).is_original


@pytest.mark.parametrize("problem", ["missing", "garbage", "stereo", "rate"])
def test_a_bad_source_file_is_refused_by_name(tmp_path, library, problem):
    good = write(library / "good.wav", sine(0.5))
    bad = library / "bad.wav"
    if problem == "garbage":
        bad.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk" + os.urandom(200))
    elif problem == "stereo":
        sf.write(bad, np.zeros((100, 2), np.float32), RATE)
    elif problem == "rate":
        sf.write(bad, np.zeros(100, np.float32), 44100)
    with pytest.raises(InputError, match="bad.wav"):
        practice_version(library, [[good], [bad]], PracticeSettings(0.7), samplerate=RATE)
    assert cache_files(library) == []


def test_a_region_outside_the_take_is_refused(tmp_path, library):
    source = write(library / "a.wav", sine(0.5))
    for start, stop in [(-1, 100), (RATE, None), (500, 500)]:
        with pytest.raises(InputError, match="region"):
            practice_version(library, [[source]], PracticeSettings(0.7), samplerate=RATE,
                             start=start, stop=stop)


def test_versions_of_deleted_or_changed_sources_are_swept_away(tmp_path, library):
    kept = write(library / "kept.wav", sine(0.5))
    gone = write(library / "gone.wav", sine(0.5, 300.0))
    settings = PracticeSettings(1.2)
    staying = practice_version(library, [[kept]], settings, samplerate=RATE).tracks[0][0]
    practice_version(library, [[gone]], settings, samplerate=RATE)
    (library / practice.CACHE_FOLDER / "left-by-a-crash.partial").write_bytes(b"x")
    gone.unlink()
    assert remove_stale_practice_versions(library) == 1  # the crash's leftover is too young
    assert cache_files(library)[:2] == [staying.with_suffix(".json"), staying]
    assert len(cache_files(library)) == 3


def test_every_track_of_a_take_is_cut_into_the_same_pieces(tmp_path, library, monkeypatch):
    monkeypatch.setattr(practice, "PIECE_SECONDS", 1.0)
    monkeypatch.setattr(practice, "JOIN_SEARCH_SECONDS", 0.4)
    monkeypatch.setattr(practice, "CONTEXT_SECONDS", 0.25)
    quiet_early, quiet_late = sine(3.5, 200.0), sine(3.5, 300.0)
    quiet_early[round(0.7 * RATE): round(0.75 * RATE)] = 0  # a gap in each, not at one place
    quiet_late[round(0.95 * RATE): round(1.0 * RATE)] = 0
    tracks = [[write(library / "a.wav", quiet_early)], [write(library / "b.wav", quiet_late)]]
    pieces: list[int] = []
    real_stretch = practice._stretch
    monkeypatch.setattr(practice, "_stretch", lambda samples, rate, settings: (
        pieces.append(len(samples)) or real_stretch(samples, rate, settings)))
    version = practice_version(library, tracks, PracticeSettings(1.4), samplerate=RATE)
    assert len(pieces) == 8 and pieces[:4] == pieces[4:]
    assert {sf.info(files[0]).frames for files in version.tracks} == {round(3.5 * RATE / 1.4)}


def test_importing_the_module_does_not_load_pedalboard():
    code = ("import sys, mt_studio.core.practice\n"
            "print('pedalboard' in sys.modules, 'pedalboard_native' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_a_version_is_made_in_a_worker_thread_that_reports_progress(tmp_path, library):
    tracks = [[write(library / "a.wav", sine(1.0))], [write(library / "b.wav", sine(0.7))]]
    reports: list[tuple[float, int]] = []
    done: list = []

    def work() -> None:
        done.append(practice_version(
            library, tracks, PracticeSettings(0.6, 2), samplerate=RATE,
            progress=lambda fraction: reports.append((fraction, threading.get_ident()))))

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=60)
    assert done and done[0].frames == round(RATE / 0.6)
    assert {ident for _f, ident in reports} == {worker.ident}
    fractions = [fraction for fraction, _ident in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and 0.4 < fractions[0] <= 0.5


def test_the_cache_makes_room_by_letting_the_least_used_versions_go(tmp_path, monkeypatch):
    import os

    from mt_studio.core import practice

    folder = tmp_path / "cache"
    folder.mkdir()
    for age, name in enumerate(("newest", "middle", "oldest")):
        path = folder / f"{name}.wav"
        path.write_bytes(bytes(1000))
        (folder / f"{name}.json").write_text("{}")
        os.utime(path, (1_000_000 - age * 1000, 1_000_000))  # used: newest, middle, oldest
    monkeypatch.setattr(practice, "CACHE_LIMIT_BYTES", 2700)
    assert practice._make_room(folder, 600) == 1000  # 3000 + 600 held: the oldest goes
    assert sorted(p.name for p in folder.iterdir()) == [
        "middle.json", "middle.wav", "newest.json", "newest.wav"]
    assert practice._make_room(folder, 100) == 0
