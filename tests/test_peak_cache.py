"""The peak cache bounds the exact waveform, is exact zoomed in, and never trusts a bad file."""

from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mt_studio.core import peak_cache, waveform
from mt_studio.core.capture.wav_stream import UNKNOWN_SIZE
from mt_studio.core.errors import InputError
from mt_studio.core.peak_cache import PeakCache


def signal(frames: int, seed: int, loud: float = 0.9) -> np.ndarray:
    """Noise under a slow swell, with a few lone clicks: peaks a cache must not lose."""
    rng = np.random.default_rng(seed)
    swell = np.sin(np.arange(frames) / 5000.0) ** 2
    samples = loud * swell * rng.uniform(-1, 1, frames)
    clicks = rng.integers(0, max(1, frames), size=min(frames, 5))
    samples[clicks] = rng.choice([-0.97, 0.97], size=len(clicks))
    return samples.astype(np.float32)


def write_parts(folder: Path, samples: np.ndarray, cuts: list[int],
                subtype: str = "PCM_24") -> tuple[list[Path], np.ndarray]:
    """SAMPLES as WAV parts split at CUTS; also the samples as they read back."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, part in enumerate(np.split(samples, cuts), start=1):
        path = folder / f"track-1.part{number}.wav"
        sf.write(path, part, 48000, subtype=subtype)
        paths.append(path)
    read = [sf.read(path, dtype="float32")[0] for path in paths]
    return paths, np.concatenate(read) if read else np.zeros(0, np.float32)


def columns_frames(columns: int, start: int, stop: int | None, length: int | None,
                   total: int) -> tuple[int, list[tuple[int, int]]]:
    """The frames [a, b) of the track each column shows, by `track_peaks`'s definition: the
    columns span START..STOP, STOP defaulting to (and never past) the take's LENGTH if given,
    else the track's TOTAL frames; past the track's end they are empty."""
    last = total if length is None else length
    columns_end = last if stop is None else min(stop, last)
    end = min(columns_end, total)
    count = max(0, columns_end - start)
    edges = [start - (-c * count // columns) for c in range(columns + 1)]
    return count, [(a, min(b, end)) for a, b in zip(edges, edges[1:], strict=False)]


def widened_truth(samples: np.ndarray, columns: int, window: int, *, start: int = 0,
                  stop: int | None = None, length: int | None = None) -> np.ndarray:
    """Exact min/max of each column's frames widened outward to multiples of WINDOW."""
    _count, spans = columns_frames(columns, start, stop, length, len(samples))
    truth = np.zeros((columns, 2), dtype=np.float32)
    for column, (a, b) in enumerate(spans):
        if b > a:
            chosen = samples[a // window * window:min(-(-b // window) * window, len(samples))]
            truth[column] = chosen.min(), chosen.max()
    return truth


def assert_is_outward_float16(cached: np.ndarray, truth: np.ndarray) -> None:
    """Each cached min is the largest float16 <= the true min; each max the smallest >=."""
    half = cached.astype(np.float16)
    assert np.array_equal(half.astype(np.float32), cached), "not float16 values"
    low, high = cached[:, 0], cached[:, 1]
    assert (low <= truth[:, 0]).all() and (high >= truth[:, 1]).all()
    assert (np.nextafter(half[:, 0], np.float16(np.inf)) > truth[:, 0]).all()
    assert (np.nextafter(half[:, 1], np.float16(-np.inf)) < truth[:, 1]).all()


def built(paths: list[Path], folder: Path) -> PeakCache:
    cache_path = peak_cache.cache_file(folder, paths)
    assert peak_cache.build(paths, cache_path)
    cache = PeakCache.open(paths, cache_path)
    assert cache is not None
    return cache


@pytest.fixture
def small_levels(monkeypatch):
    """Tiny windows, so that short signals have many levels and many blocks."""
    monkeypatch.setattr(peak_cache, "BASE", 4)
    monkeypatch.setattr(peak_cache, "FACTOR", 2)
    monkeypatch.setattr(peak_cache, "TOP_PEAKS", 3)
    monkeypatch.setattr(peak_cache, "BLOCK_FRAMES", 16)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frames=st.integers(0, 3000), seed=st.integers(0, 99),
       cut_fractions=st.lists(st.floats(0, 1), max_size=3),
       subtype=st.sampled_from(["PCM_24", "FLOAT"]), columns=st.integers(1, 300),
       start=st.integers(0, 3200), span=st.none() | st.integers(0, 3200),
       length=st.none() | st.integers(0, 4000))
@example(frames=1, seed=0, cut_fractions=[], subtype="PCM_24", columns=1, start=0, span=1,
         length=4)  # a stop before the take's length: the columns end at the stop
def test_cached_peaks_are_the_outward_rounded_peaks_of_the_columns_widened_to_a_window(
        tmp_path, small_levels, frames, seed, cut_fractions, subtype, columns, start, span,
        length):
    cuts = sorted(round(f * frames) for f in cut_fractions)
    folder = tmp_path / f"{frames}-{seed}-{cuts}-{subtype}"
    paths, samples = write_parts(folder, signal(frames, seed), cuts, subtype)
    stop = None if span is None else start + span
    exact = waveform.track_peaks(paths, columns, start=start, stop=stop, length=length)

    with built(paths, folder) as cache:
        cached = cache.peaks(columns, start=start, stop=stop, length=length)
        count, _spans = columns_frames(columns, start, stop, length, frames)
        window = cache.frames_per_peak(count / columns)

    assert cached.shape == (columns, 2) and cached.dtype == np.float32
    assert not np.isnan(cached).any()
    if window == 1:  # zoomed in past the base level: read from the files
        np.testing.assert_array_equal(cached, exact)
        assert count < 4 * columns
    else:
        assert window <= max(4, count / columns / peak_cache.PEAKS_PER_COLUMN)
        assert (cached[:, 0] <= exact[:, 0]).all() and (cached[:, 1] >= exact[:, 1]).all()
        assert_is_outward_float16(cached, widened_truth(samples, columns, window, start=start,
                                                        stop=stop, length=length))


def test_a_long_two_part_track_is_close_at_overview_and_exact_at_sample_zoom(tmp_path):
    frames = 1_500_000  # ~31 s: a base level of 5860 peaks and one coarser level
    cut = 700_001  # the second part starts in the middle of a base window
    paths, samples = write_parts(tmp_path / "audio", signal(frames, 5), [cut])
    with built(paths, tmp_path) as cache:
        assert cache.frames == frames
        overview = cache.peaks(100)
        window = cache.frames_per_peak(frames / 100)
        assert window == peak_cache.BASE * peak_cache.FACTOR  # the coarser level
        assert_is_outward_float16(overview, widened_truth(samples, 100, window))

        # Around the cut, 300 frames a column: the base level, widened by under 256 frames.
        start, stop = cut - 150_000, cut + 150_000
        middle = cache.peaks(1000, start=start, stop=stop)
        assert cache.frames_per_peak(300) == peak_cache.BASE
        assert_is_outward_float16(middle, widened_truth(samples, 1000, peak_cache.BASE,
                                                        start=start, stop=stop))

        # Down to single samples across the cut: exact.
        for columns, start, stop in [(500, cut - 250, cut + 250), (800, cut - 100, cut + 300),
                                     (400, 10, 30_000)]:
            np.testing.assert_array_equal(
                cache.peaks(columns, start=start, stop=stop),
                waveform.track_peaks(paths, columns, start=start, stop=stop))
        single = cache.peaks(4, start=cut - 2, stop=cut + 2)
        np.testing.assert_array_equal(single[:, 0], samples[cut - 2:cut + 2])


def test_a_click_is_never_understated_at_any_zoom(tmp_path):
    samples = np.zeros(600_000, dtype=np.float32)
    samples[345_678] = 0.3  # no float16: the cache must round it up, not to nearest
    samples[123_456] = -1.6  # a float file may go past full scale
    paths, samples = write_parts(tmp_path, samples, [], subtype="FLOAT")
    with built(paths, tmp_path) as cache:
        for columns in (1, 7, 100, 2000, 5000):
            peaks = cache.peaks(columns)
            assert peaks[:, 1].max() >= np.float32(0.3)
            assert peaks[:, 0].min() <= np.float32(-1.6)
            assert peaks[:, 1].max() - np.float32(0.3) < 0.001


def test_a_pcm24_track_s_levels_are_exact_where_float16_can_hold_them(tmp_path):
    samples = np.zeros(100_000, dtype=np.float32)
    samples[55_000], samples[75_000] = 0.5, -0.25  # mid-column: widening cannot move them
    paths, _read = write_parts(tmp_path, samples, [])
    with built(paths, tmp_path) as cache:
        peaks = cache.peaks(10)
    np.testing.assert_array_equal(peaks, waveform.track_peaks(paths, 10))


def test_an_empty_track_and_a_track_shorter_than_its_take_are_flat_where_silent(tmp_path):
    paths, samples = write_parts(tmp_path / "empty", np.zeros(0, np.float32), [])
    with built(paths, tmp_path) as cache:
        np.testing.assert_array_equal(cache.peaks(5), np.zeros((5, 2)))
        np.testing.assert_array_equal(cache.peaks(5, length=10_000), np.zeros((5, 2)))
    np.testing.assert_array_equal(peak_cache.peaks_for_track(tmp_path, [], 3), np.zeros((3, 2)))

    paths, samples = write_parts(tmp_path / "short", signal(100_000, 2), [40_000])
    with built(paths, tmp_path) as cache:
        peaks = cache.peaks(100, length=200_000)
        window = cache.frames_per_peak(200_000 / 100)
    assert window == peak_cache.BASE and peaks[:50].all() and not peaks[50:].any()
    assert_is_outward_float16(peaks, widened_truth(samples, 100, window, length=200_000))


def test_building_reports_progress_to_one_and_writes_one_private_file(tmp_path, monkeypatch):
    monkeypatch.setattr(peak_cache, "BLOCK_FRAMES", 1024)
    paths, _samples = write_parts(tmp_path / "audio", signal(300_000, 1), [100_000])
    cache_path = peak_cache.cache_file(tmp_path, paths)
    seen: list[float] = []
    assert peak_cache.build(paths, cache_path, progress=seen.append)
    assert len(seen) > 10 and seen[-1] == 1.0
    assert seen == sorted(seen) and 0 <= seen[0] and max(seen[:-1]) < 1.0
    assert os.listdir(cache_path.parent) == [cache_path.name]  # no temporary file left
    assert cache_path.stat().st_mode & 0o077 == 0  # derived from health data: owner only
    assert cache_path.parent == tmp_path / "cache" / "peaks"
    assert cache_path.stat().st_size < sum(path.stat().st_size for path in paths) / 50


def test_a_cancelled_build_leaves_no_file_and_keeps_an_earlier_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(peak_cache, "BLOCK_FRAMES", 1024)
    paths, _samples = write_parts(tmp_path / "audio", signal(200_000, 1), [])
    cache_path = peak_cache.cache_file(tmp_path, paths)
    asked: list[int] = []

    def cancel_on_the_fifth_block() -> bool:
        asked.append(1)
        return len(asked) >= 5

    assert not peak_cache.build(paths, cache_path, cancelled=cancel_on_the_fifth_block)
    assert len(asked) == 5
    assert not cache_path.parent.exists() or not os.listdir(cache_path.parent)

    assert peak_cache.build(paths, cache_path)
    before = cache_path.read_bytes()
    asked.clear()
    assert not peak_cache.build(paths, cache_path, cancelled=cancel_on_the_fifth_block)
    assert cache_path.read_bytes() == before
    assert os.listdir(cache_path.parent) == [cache_path.name]


def test_a_valid_cache_is_what_peaks_for_track_answers_from(tmp_path):
    paths, _samples = write_parts(tmp_path / "audio", signal(200_000, 1), [])
    assert peak_cache.build(paths, peak_cache.cache_file(tmp_path, paths))
    before = peak_cache.peaks_for_track(tmp_path, paths, 100)
    # New sound of the same size with the old time: the cache cannot tell, and answers from
    # what it holds, which shows the files were not read.
    info = paths[0].stat()
    sf.write(paths[0], np.zeros(200_000), 48000, subtype="PCM_24")
    os.utime(paths[0], ns=(info.st_atime_ns, info.st_mtime_ns))
    np.testing.assert_array_equal(peak_cache.peaks_for_track(tmp_path, paths, 100), before)
    assert before.any() and not waveform.track_peaks(paths, 100).any()


def rewritten_same_size(paths: list[Path]) -> None:
    info = paths[0].stat()
    sf.write(paths[0], np.zeros(info.st_size // 3), 48000, subtype="PCM_24")
    os.utime(paths[0], ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))


def appended(paths: list[Path]) -> None:
    with paths[-1].open("ab") as file:  # a take still being recorded grows
        file.write(bytes(3 * 4800))


def second_part_added(paths: list[Path]) -> None:
    extra = paths[0].with_name("track-1.part9.wav")
    sf.write(extra, signal(1000, 9), 48000, subtype="PCM_24")
    paths.append(extra)


@pytest.mark.parametrize("change", [rewritten_same_size, appended, second_part_added])
def test_a_cache_of_files_that_changed_is_stale_and_rebuilt(tmp_path, change):
    paths, _samples = write_parts(tmp_path / "audio", signal(100_000, 1), [30_000])
    if change is appended:  # as the recorder leaves a file it is still writing
        data = bytearray(paths[-1].read_bytes())
        at = data.find(b"data")
        data[at + 4:at + 8] = struct.pack("<I", UNKNOWN_SIZE)
        paths[-1].write_bytes(bytes(data))
    cache_path = peak_cache.cache_file(tmp_path, paths)
    assert peak_cache.build(paths, cache_path)
    assert PeakCache.open(paths, cache_path) is not None

    change(paths)

    assert PeakCache.open(paths, cache_path) is None
    exact = waveform.track_peaks(paths, 50)
    np.testing.assert_array_equal(peak_cache.peaks_for_track(tmp_path, paths, 50), exact)
    assert peak_cache.build(paths, cache_path)
    with PeakCache.open(paths, cache_path) as cache:
        assert cache.frames == waveform.track_frames(paths)
        peaks = cache.peaks(50)
    assert (peaks[:, 0] <= exact[:, 0]).all() and (peaks[:, 1] >= exact[:, 1]).all()


def with_version(data: bytes, version: int) -> bytes:
    return data[:8] + struct.pack("<I", version) + data[12:]


def with_header(data: bytes, **changes) -> bytes:
    length = struct.unpack("<I", data[12:16])[0]
    header = json.loads(data[16:16 + length])
    header.update(changes)
    text = json.dumps(header).encode()
    assert len(text) <= length + 20
    return data[:12] + struct.pack("<I", len(text)) + text + data[16 + length:]


DAMAGES = {
    "empty": lambda data: b"",
    "cut-in-the-magic": lambda data: data[:5],
    "cut-in-the-header": lambda data: data[:40],
    "cut-in-the-peaks": lambda data: data[:len(data) // 2],
    "one-byte-short": lambda data: data[:-1],
    "one-byte-long": lambda data: data + b"\0",
    "garbage": lambda data: b"not a peak file at all " * 50,
    "wrong-magic": lambda data: b"ARDOURPK" + data[8:],
    "newer-version": lambda data: with_version(data, peak_cache.VERSION + 1),
    "older-version": lambda data: with_version(data, 0),
    "huge-header": lambda data: data[:12] + struct.pack("<I", 0xFFFFFFFF) + data[16:],
    "header-not-json": lambda data: data[:16] + b"\xff\xfe" + data[18:],
    "header-a-list": lambda data: data[:16] + b"[" + b" " * 10 + data[27:],
    "other-base": lambda data: with_header(data, base=128),
    "other-frames": lambda data: with_header(data, frames=12),
    "frames-not-a-number": lambda data: with_header(data, frames="many"),
    "other-parts": lambda data: with_header(data, parts=[["/elsewhere/track-1.wav", 1, 2]]),
    "deep-nesting": lambda data: data[:12] + struct.pack("<I", 200_000) + b"[" * 200_000,
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_or_foreign_cache_file_is_never_trusted_and_is_rebuilt(tmp_path, damage):
    paths, _samples = write_parts(tmp_path / "audio", signal(50_000, 3), [20_000])
    cache_path = peak_cache.cache_file(tmp_path, paths)
    assert peak_cache.build(paths, cache_path)
    cache_path.write_bytes(damage(cache_path.read_bytes()))

    assert PeakCache.open(paths, cache_path) is None
    np.testing.assert_array_equal(peak_cache.peaks_for_track(tmp_path, paths, 40),
                                  waveform.track_peaks(paths, 40))
    assert peak_cache.build(paths, cache_path)
    assert PeakCache.open(paths, cache_path) is not None


def test_another_track_s_cache_is_not_trusted(tmp_path):
    mine, _ = write_parts(tmp_path / "audio" / "take-1", signal(50_000, 3), [])
    theirs, _ = write_parts(tmp_path / "audio" / "take-2", signal(50_000, 4), [])
    assert peak_cache.cache_file(tmp_path, mine) != peak_cache.cache_file(tmp_path, theirs)
    assert peak_cache.build(theirs, peak_cache.cache_file(tmp_path, theirs))
    shutil.copy(peak_cache.cache_file(tmp_path, theirs), peak_cache.cache_file(tmp_path, mine))
    assert PeakCache.open(mine, peak_cache.cache_file(tmp_path, mine)) is None


def test_a_copied_library_keeps_its_cache_names_but_rebuilds_them(tmp_path):
    paths, _ = write_parts(tmp_path / "one" / "audio" / "take-1", signal(50_000, 3), [])
    assert peak_cache.build(paths, peak_cache.cache_file(tmp_path / "one", paths))
    shutil.copytree(tmp_path / "one", tmp_path / "two")  # sizes and times kept
    copied = [tmp_path / "two" / path.relative_to(tmp_path / "one") for path in paths]
    cache_path = peak_cache.cache_file(tmp_path / "two", copied)
    assert cache_path.name == peak_cache.cache_file(tmp_path / "one", paths).name
    assert cache_path.exists() and PeakCache.open(copied, cache_path) is None


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1,
                        max_size=8),
       columns=st.integers(1, 3000), start=st.integers(0, 60_000))
def test_a_cache_file_with_any_bytes_changed_never_crashes_nor_gives_nan(
        tmp_path, changes, columns, start):
    folder = tmp_path / "mutated"
    paths = sorted((folder / "audio").glob("*.wav"))
    if not paths:
        paths, _ = write_parts(folder / "audio", signal(50_000, 3), [20_000], subtype="FLOAT")
        assert peak_cache.build(paths, folder / "good.peaks")
    data = bytearray((folder / "good.peaks").read_bytes())
    for at, value in changes:
        data[at % len(data)] = value
    cache_path = folder / "mutated.peaks"
    cache_path.write_bytes(bytes(data))

    cache = PeakCache.open(paths, cache_path)
    if cache is not None:
        with cache:
            peaks = cache.peaks(columns, start=start)
        assert peaks.shape == (columns, 2) and np.isfinite(peaks).all()


def test_a_missing_or_damaged_audio_file_is_an_input_error_naming_it(tmp_path):
    paths, _ = write_parts(tmp_path / "audio", signal(50_000, 3), [20_000])
    cache_path = peak_cache.cache_file(tmp_path, paths)
    assert peak_cache.build(paths, cache_path)
    paths[1].unlink()
    for call in (lambda: peak_cache.build(paths, cache_path),
                 lambda: peak_cache.peaks_for_track(tmp_path, paths, 10)):
        with pytest.raises(InputError, match="track-1.part2.wav.*missing"):
            call()
    assert PeakCache.open(paths, cache_path) is None

    data = paths[0].read_bytes()
    paths[0].write_bytes(data[:len(data) // 2])  # cut short
    with pytest.raises(InputError, match="track-1.part1.wav"):
        peak_cache.build(paths[:1], cache_path)
    paths[0].write_bytes(b"RIFF garbage" * 30)
    with pytest.raises(InputError, match="track-1.part1.wav"):
        peak_cache.build(paths[:1], cache_path)
    assert not [name for name in os.listdir(cache_path.parent) if name.endswith(".part")]


def test_discarding_a_track_s_cache_deletes_its_file(tmp_path):
    paths, _ = write_parts(tmp_path / "audio", signal(10_000, 3), [])
    cache_path = peak_cache.cache_file(tmp_path, paths)
    assert peak_cache.build(paths, cache_path)
    peak_cache.discard(tmp_path, paths)
    assert not cache_path.exists()
    peak_cache.discard(tmp_path, paths)  # nothing left to delete: no error
