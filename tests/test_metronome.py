"""The metronome's clicks land on exact frames, accent bar starts, and count in with numbers."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from mt_studio.core import metronome
from mt_studio.core.errors import InputError
from mt_studio.core.metronome import beat_frame, click, click_track, count_in


def exact_beat(k: int, bpm: float, rate: int) -> int:
    """Beat K's frame computed in exact rational arithmetic, halves to even."""
    return round(Fraction(k * 60 * rate) / Fraction(bpm))


def pitch(sound: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(sound, 8 * len(sound)))
    return float(np.argmax(spectrum) * rate / (8 * len(sound)))


def test_a_click_is_a_short_burst_that_ends_in_silence_and_accents_are_higher_and_louder():
    plain, accent = click(48000), click(48000, accent=True)
    assert plain.dtype == np.float32 and len(plain) == len(accent) == 1920  # 40 ms
    assert plain[0] == 0.0 and abs(plain[1]) > 0.01  # sounds from its first frame on
    assert np.max(np.abs(plain[-48:])) < 1e-3  # fades out: no click at its end
    assert pitch(accent, 48000) == pytest.approx(2 * pitch(plain, 48000), rel=0.02)
    assert np.max(np.abs(accent)) > 1.3 * np.max(np.abs(plain))
    assert np.max(np.abs(accent)) < 1.0


@pytest.mark.parametrize(("bpm", "rate"), [(60, 48000), (97.3, 48000), (140, 44100),
                                           (128.5, 44100), (300, 8000), (30, 96000)])
def test_every_click_starts_on_the_frame_nearest_its_exact_time(bpm, rate):
    track = click_track(bpm, 4, bars=3, samplerate=rate)
    assert len(track) == exact_beat(12, bpm, rate)
    expected = np.zeros_like(track)
    for k in range(12):
        frame = exact_beat(k, bpm, rate)
        assert beat_frame(k, bpm, rate) == frame
        sound = click(rate, accent=k % 4 == 0)
        expected[frame:frame + len(sound)] = sound[:len(track) - frame]
    np.testing.assert_array_equal(track, expected)


def test_halves_of_a_frame_round_to_even():
    # 48000 * 60 / 128 = 22500 exactly; 44100 * 60 / 112 = 23625, so 1/2 beat = 11812.5.
    assert beat_frame(1, 128, 48000) == 22500
    assert beat_frame(1, 224, 44100) == 11812  # 11812.5 rounds to the even 11812
    assert beat_frame(3, 224, 44100) == 35438  # 35437.5 rounds to the even 35438


@pytest.mark.parametrize("beats_per_bar", [1, 3, 4, 7, 12])
def test_the_first_beat_of_each_bar_is_accented(beats_per_bar):
    rate, bpm = 48000, 150
    track = click_track(bpm, beats_per_bar, bars=2, samplerate=rate)
    plain, accent = click(rate), click(rate, accent=True)
    for k in range(2 * beats_per_bar):
        frame = beat_frame(k, bpm, rate)
        heard = track[frame:frame + len(plain)]
        np.testing.assert_array_equal(heard, accent if k % beats_per_bar == 0 else plain)


def test_a_track_asked_for_block_by_block_is_the_same_as_one_asked_for_whole():
    rate, bpm, block = 44100, 133.0, 5003  # blocks that cut clicks in two
    whole = click_track(bpm, 3, frames=20 * block, samplerate=rate)
    pieces = [click_track(bpm, 3, frames=block, start=i * block, samplerate=rate)
              for i in range(20)]
    np.testing.assert_array_equal(np.concatenate(pieces), whole)
    assert np.count_nonzero(whole) > 0


def test_a_count_in_gives_the_numbers_to_show_on_the_frames_of_its_clicks():
    counted = count_in(120, 4, bars=2, samplerate=48000)
    assert [beat.number for beat in counted.beats] == [1, 2, 3, 4, 1, 2, 3, 4]
    assert [beat.frame for beat in counted.beats] == [k * 24000 for k in range(8)]
    assert counted.frames == len(counted.samples) == 8 * 24000  # the take's downbeat
    np.testing.assert_array_equal(counted.samples,
                                  click_track(120, 4, bars=2, samplerate=48000))
    assert counted.number_at(0) == 1
    assert counted.number_at(23999) == 1
    assert counted.number_at(24000) == 2
    assert counted.number_at(5 * 24000 + 7) == 2
    assert counted.number_at(counted.frames - 1) == 4
    assert counted.number_at(counted.frames) is None
    assert counted.number_at(-1) is None


def test_a_count_in_in_three_counts_one_two_three():
    counted = count_in(90, 3, bars=1, samplerate=44100)
    assert [(b.frame, b.number) for b in counted.beats] == [
        (0, 1), (29400, 2), (58800, 3)]
    assert counted.frames == 88200
    assert counted.bpm == 90.0 and counted.samplerate == 44100


@pytest.mark.parametrize("bpm", [29.9, 300.1, 0, -120, float("nan"), float("inf"), "fast",
                                 True, None])
def test_a_tempo_out_of_range_is_refused_naming_it(bpm):
    with pytest.raises(InputError, match="tempo") as raised:
        count_in(bpm, 4, bars=1)
    assert str(bpm) in str(raised.value)
    with pytest.raises(InputError):
        click_track(bpm, 4, bars=1)


@pytest.mark.parametrize("bars", [0, 5, -1, 1.5, True])
def test_a_count_in_lasts_one_to_four_bars(bars):
    with pytest.raises(InputError, match="one to four bars") as raised:
        count_in(100, 4, bars=bars)
    assert str(bars) in str(raised.value)


@pytest.mark.parametrize("beats_per_bar", [0, 13, -4, 2.5, "4", False])
def test_a_bar_has_one_to_twelve_beats(beats_per_bar):
    with pytest.raises(InputError, match="1 to 12 beats") as raised:
        count_in(100, beats_per_bar, bars=1)
    assert str(beats_per_bar) in str(raised.value)
    with pytest.raises(InputError):
        click_track(100, beats_per_bar, frames=1000)


def test_a_samplerate_too_low_for_the_accent_is_refused():
    with pytest.raises(InputError, match="4000"):
        count_in(100, 4, bars=1, samplerate=4000)
    assert len(click(metronome.MIN_SAMPLERATE)) == 320


def test_a_click_track_needs_its_length_once():
    with pytest.raises(ValueError):
        click_track(100, 4, samplerate=48000)
    with pytest.raises(ValueError):
        click_track(100, 4, bars=1, frames=10, samplerate=48000)
    with pytest.raises(InputError, match="-2"):
        click_track(100, 4, bars=-2, samplerate=48000)
    assert len(click_track(100, 4, frames=0, samplerate=48000)) == 0


def test_a_beat_grid_names_its_bars_and_sounds_its_clicks_in_take_frames():
    from mt_studio.core.metronome import BeatGrid

    grid = BeatGrid(120, 4, first=1000)  # a bar is 2 s: 96000 frames at 48 kHz
    assert grid.bar_frames(48000, 0, 300_000) == [1000, 97000, 193000, 289000]
    assert grid.bar_frames(48000, 97000, 193000) == [97000, 193000]
    assert grid.bar_frames(48000, 97001, 193000) == [193000]
    sound = grid.clicks(48000, 0, 60_000)
    assert not sound[:1000].any() and sound[1000] == 0 and sound[1001:1100].any()
    second = 1000 + 24_000  # the second beat, 0.5 s after the downbeat; a click lasts 40 ms
    assert not sound[3000:second + 1].any() and sound[second + 1:second + 100].any()
    whole = grid.clicks(48000, 0, 200_000)
    np.testing.assert_array_equal(grid.clicks(48000, 50_000, 100_000), whole[50_000:150_000])


def test_a_beat_grid_slowed_or_sped_up_past_the_typed_range_still_clicks():
    from mt_studio.core.metronome import BeatGrid

    for bpm in (27.5, 360.0):  # 55 BPM at half speed, 240 at 150 %
        sound = BeatGrid(bpm, 4).clicks(48000, 0, 5 * 48000)
        assert np.abs(sound).max() > 0.3
