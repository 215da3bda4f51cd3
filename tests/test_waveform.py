"""Waveform peaks over a track's parts, read in blocks; note lanes; bad files named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mt_studio.core import waveform
from mt_studio.core.domain import SessionKind, TrackKind
from mt_studio.core.errors import InputError
from mt_studio.core.library import sessions, takes


def expected_peaks(samples: np.ndarray, columns: int) -> np.ndarray:
    """The definition: frame i of N belongs to column i * columns // N; empty columns are 0."""
    owner = np.arange(len(samples)) * columns // max(1, len(samples))
    peaks = np.zeros((columns, 2), dtype=np.float32)
    for column in range(columns):
        mine = samples[owner == column]
        if len(mine):
            peaks[column] = mine.min(), mine.max()
    return peaks


def write_parts(folder: Path, samples: np.ndarray, cuts: list[int]) -> list[Path]:
    """SAMPLES written as float WAV parts split at CUTS."""
    paths = []
    for number, part in enumerate(np.split(samples, cuts), start=1):
        path = folder / f"part{number}.wav"
        sf.write(path, part, 48000, subtype="FLOAT")
        paths.append(path)
    return paths


def signal(frames: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(frames)
    return (0.5 * np.sin(t / 7.0) + 0.3 * rng.uniform(-1, 1, frames)).astype(np.float32)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frames=st.integers(0, 3000), columns=st.integers(1, 400), seed=st.integers(0, 99),
       cut_fractions=st.lists(st.floats(0, 1), max_size=3))
def test_peaks_are_the_min_and_max_of_each_columns_frames_across_parts(
        tmp_path, monkeypatch, frames, columns, seed, cut_fractions):
    monkeypatch.setattr(waveform, "BLOCK_FRAMES", 257)  # many blocks, straddling columns
    samples = signal(frames, seed)
    cuts = sorted(round(f * frames) for f in cut_fractions)
    folder = tmp_path / f"{frames}-{columns}-{seed}-{len(cuts)}"
    folder.mkdir(exist_ok=True)
    paths = write_parts(folder, samples, cuts)

    peaks = waveform.track_peaks(paths, columns)

    assert peaks.shape == (columns, 2) and peaks.dtype == np.float32
    np.testing.assert_array_equal(peaks, expected_peaks(samples, columns))
    assert waveform.track_frames(paths) == frames


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(0, 2500), length=st.integers(0, 2500), columns=st.integers(1, 100))
def test_a_stretch_of_the_track_gives_the_peaks_of_that_stretch(tmp_path, monkeypatch, start,
                                                                 length, columns):
    monkeypatch.setattr(waveform, "BLOCK_FRAMES", 300)
    samples = signal(2000, 7)
    paths = [tmp_path / f"part{n}.wav" for n in (1, 2, 3)]
    if not paths[0].exists():
        paths = write_parts(tmp_path, samples, [700, 1300])
    peaks = waveform.track_peaks(paths, columns, start=start, stop=start + length)
    np.testing.assert_array_equal(peaks, expected_peaks(samples[start:start + length], columns))


def test_a_pcm24_file_of_known_levels_reads_back_at_those_levels(tmp_path):
    frames = 48000
    samples = np.zeros(frames)
    samples[1000] = 0.5
    samples[30000] = -0.25
    path = tmp_path / "take.wav"
    sf.write(path, samples, 48000, subtype="PCM_24")
    peaks = waveform.track_peaks([path], 2)
    np.testing.assert_allclose(peaks, [[0.0, 0.5], [-0.25, 0.0]], atol=1e-6)


def test_an_empty_track_is_a_flat_line(tmp_path):
    path = tmp_path / "empty.wav"
    sf.write(path, np.zeros(0), 48000, subtype="PCM_24")
    assert waveform.track_frames([path]) == 0
    np.testing.assert_array_equal(waveform.track_peaks([path], 5), np.zeros((5, 2)))
    np.testing.assert_array_equal(waveform.track_peaks([], 3), np.zeros((3, 2)))


def test_a_long_file_is_read_in_blocks(tmp_path, monkeypatch):
    path = tmp_path / "long.wav"
    samples = signal(200_000, 3)
    sf.write(path, samples, 48000, subtype="FLOAT")
    reads: list[int] = []
    original = sf.SoundFile.read

    def counting_read(self, frames=-1, *args, **kwargs):
        reads.append(frames)
        return original(self, frames, *args, **kwargs)

    monkeypatch.setattr(sf.SoundFile, "read", counting_read)
    peaks = waveform.track_peaks([path], 10)
    np.testing.assert_array_equal(peaks, expected_peaks(samples, 10))
    assert len(reads) > 1 and max(reads) <= waveform.BLOCK_FRAMES


def test_the_parts_of_a_split_track_come_from_the_library(library, studio):
    db = library.connection
    session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 11, 3))
    take = takes.start(db, session.id, 48000)
    track = takes.add_track(db, take, TrackKind.AUDIO, input=1)
    takes.add_part(db, track.id, 1, 0, 100, track.file)
    takes.add_part(db, track.id, 2, 100, 50, "audio/take-1/track-1.part2.wav")
    (sounding,) = studio.listening.sound(take).tracks  # as the engines are handed it
    assert sounding.files == (library.folder / track.file,
                              library.folder / "audio/take-1/track-1.part2.wav")


def good_wav(tmp_path: Path) -> bytes:
    path = tmp_path / "good.wav"
    sf.write(path, signal(10_000, 1), 48000, subtype="PCM_24")
    return path.read_bytes()


@pytest.mark.parametrize("damage", [
    pytest.param(lambda data: data[:30], id="cut-in-the-header"),
    pytest.param(lambda data: data[:len(data) // 2], id="cut-in-the-samples"),
    pytest.param(lambda data: b"this is not audio at all" * 20, id="garbage"),
    pytest.param(lambda data: b"", id="empty-file"),
])
def test_a_damaged_file_is_refused_naming_it(tmp_path, damage):
    good = tmp_path / "fine.wav"
    good.write_bytes(good_wav(tmp_path))
    bad = tmp_path / "track-7.part2.wav"
    bad.write_bytes(damage(good_wav(tmp_path)))
    for call in (lambda: waveform.track_peaks([good, bad], 10),
                 lambda: waveform.track_frames([good, bad])):
        with pytest.raises(InputError, match="track-7.part2.wav"):
            call()


def test_a_missing_or_multichannel_file_is_refused_naming_it(tmp_path):
    with pytest.raises(InputError, match="gone.wav.*missing"):
        waveform.track_peaks([tmp_path / "gone.wav"], 4)
    stereo = tmp_path / "stereo.wav"
    sf.write(stereo, np.zeros((100, 2)), 48000)
    with pytest.raises(InputError, match="stereo.wav.*2 channels"):
        waveform.track_peaks([stereo], 4)


def test_a_wav_still_being_recorded_is_read_to_its_end(tmp_path):
    path = tmp_path / "recording.wav"
    sf.write(path, signal(1000, 2), 48000, subtype="PCM_24")
    data = bytearray(path.read_bytes())
    at = data.find(b"data")
    data[at + 4:at + 8] = b"\xff\xff\xff\xff"  # the size a streaming writer leaves
    path.write_bytes(bytes(data))
    assert waveform.track_frames([path]) == 1000


def test_midi_notes_become_spans_of_frames(tmp_path):
    track = mido.MidiTrack([
        mido.Message("note_on", note=60, velocity=90, time=0),
        mido.Message("note_on", note=64, velocity=70, time=480),
        mido.Message("note_off", note=60, velocity=0, time=480),
        mido.Message("note_off", note=99, velocity=0, time=0),  # never started: ignored
        mido.Message("note_on", note=67, velocity=80, time=0),
        mido.MetaMessage("end_of_track", time=960),
    ])
    midi = mido.MidiFile(type=0, ticks_per_beat=960)
    midi.tracks.append(track)
    path = tmp_path / "keys.mid"
    midi.save(path)
    # 960 ticks a beat at 120 BPM: 480 ticks is a quarter of a second.
    assert waveform.midi_notes(path, 48000) == [
        waveform.NoteSpan(0, 24000, 60, 90, 0),
        waveform.NoteSpan(12000, 36000, 64, 70, 0),
        waveform.NoteSpan(24000, 24000, 67, 80, 0),
    ]


@pytest.mark.parametrize("content", [b"", b"MThd\x00\x00\x00\x06\x00", b"not midi" * 10])
def test_a_damaged_midi_file_is_refused_naming_it(tmp_path, content):
    path = tmp_path / "track-9.mid"
    path.write_bytes(content)
    with pytest.raises(InputError, match="track-9.mid"):
        waveform.midi_notes(path, 48000)
    with pytest.raises(InputError, match="gone.mid"):
        waveform.midi_notes(tmp_path / "gone.mid", 48000)


def test_with_its_take_s_length_a_track_spans_exactly_that_length_shorter_or_longer(tmp_path):
    samples = signal(1000, seed=3)
    paths = write_parts(tmp_path, samples, [400])
    peaks = waveform.track_peaks(paths, 10, length=2000)
    np.testing.assert_array_equal(peaks[:5], expected_peaks(samples, 5))
    assert not peaks[5:].any()
    assert np.array_equal(waveform.track_peaks(paths, 5, length=500),
                          expected_peaks(samples[:500], 5))
