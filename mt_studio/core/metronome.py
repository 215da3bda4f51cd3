"""The metronome: clicks at a tempo, the first beat of each bar accented, and the count-in.

Beat k (counted from 0) starts at frame `beat_frame(k)` = round(k * 60 * samplerate / bpm): the
frame nearest its exact time, halves rounded to even as Python's round does, each beat placed
on its own so that rounding never adds up to drift however long the track. A click is a sine
burst of `CLICK_SECONDS` whose envelope decays fast and ends at zero; a bar's first beat is an
octave higher and louder. The shortest beat (at MAX_BPM) is longer than a click, so clicks never
overlap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mt_studio.core.errors import InputError
from mt_studio.core.tempo import check_tempo
from mt_studio.i18n import _

CLICK_SECONDS = 0.04
DECAY_SECONDS = 0.008  # the envelope's time constant
BEAT_HZ = 880.0
ACCENT_HZ = 1760.0
BEAT_LEVEL = 0.35
ACCENT_LEVEL = 0.5
MIN_SAMPLERATE = 8000  # keeps the accent's pitch under the Nyquist frequency
MAX_BEATS_PER_BAR = 12
COUNT_IN_BARS = (1, 2, 3, 4)  # the UI offers one or two; a session template may ask up to four


def click(samplerate: int, accent: bool = False) -> np.ndarray:
    """One click as float32: a bar's first beat when ACCENT."""
    rate = _check_samplerate(samplerate)
    t = np.arange(round(CLICK_SECONDS * rate)) / rate
    envelope = np.exp(-t / DECAY_SECONDS) * (1.0 - t / CLICK_SECONDS)
    pitch, level = (ACCENT_HZ, ACCENT_LEVEL) if accent else (BEAT_HZ, BEAT_LEVEL)
    return (level * envelope * np.sin(2 * np.pi * pitch * t)).astype(np.float32)


def beat_frame(beat: int, bpm: float, samplerate: int) -> int:
    """The frame on which beat BEAT (from 0) starts: the nearest to its exact time."""
    return round(beat * 60 * samplerate / bpm)


def click_track(bpm: float, beats_per_bar: int = 4, *, bars: int | None = None,
                frames: int | None = None, samplerate: int = 48000, start: int = 0
                ) -> np.ndarray:
    """Clicks at BPM as float32, either BARS bars long (to the frame where the next bar would
    begin) or FRAMES long; START shifts the window along the endless grid of beats, so that a
    player can ask for block after block and every click stays where `beat_frame` puts it."""
    bpm = check_tempo(bpm)
    beats_per_bar = _check_beats_per_bar(beats_per_bar)
    rate = _check_samplerate(samplerate)
    return _click_track(bpm, beats_per_bar, bars=bars, frames=frames, samplerate=rate,
                        start=start)


def _click_track(bpm: float, beats_per_bar: int, *, bars: int | None, frames: int | None,
                 samplerate: int, start: int) -> np.ndarray:
    """`click_track` on values already checked, or derived from checked ones: a practice
    speed takes a tempo people may type (30-300) outside that range, and it still clicks."""
    rate = samplerate
    if (bars is None) == (frames is None):
        raise ValueError("give either bars or frames")
    if bars is not None:
        if isinstance(bars, bool) or not isinstance(bars, int) or bars < 0:
            raise InputError(_("A click track lasts a whole number of bars, not {bars}.")
                             .format(bars=bars))
        frames = beat_frame(bars * beats_per_bar, bpm, rate) - start
    if frames is None or frames < 0 or start < 0:
        raise ValueError(f"frames and start must not be negative, not {frames} and {start}")
    out = np.zeros(frames, dtype=np.float32)
    clicks = (click(rate), click(rate, accent=True))
    length = len(clicks[0])
    # The first beat whose click may still sound at START, then on until the window's end.
    beat = max(0, math.floor((start - length) * bpm / (60 * rate)) - 1)
    while (first := beat_frame(beat, bpm, rate) - start) < frames:
        sound = clicks[beat % beats_per_bar == 0]
        skip = max(0, -first)  # a click begun before START sounds on into the window
        chunk = sound[skip:frames - first]
        out[first + skip:first + skip + len(chunk)] = chunk
        beat += 1
    return out


@dataclass(frozen=True)
class BeatGrid:
    """The beats of a take: a tempo, beats to a bar, and the frame of a first downbeat."""

    bpm: float
    beats_per_bar: int = 4
    first: int = 0

    def bar_frames(self, samplerate: int, start: int, stop: int) -> list[int]:
        """The frames where bars begin from START to STOP."""
        bar = self.beats_per_bar * 60 * samplerate / self.bpm
        if stop < start or bar <= 0:
            return []
        count = math.floor((stop - self.first) / bar) - max(0, math.ceil((start - self.first)
                                                                        / bar)) + 1
        first = max(0, math.ceil((start - self.first) / bar))
        return [round(self.first + n * bar) for n in range(first, first + max(0, count))]

    def clicks(self, samplerate: int, start: int, frames: int) -> np.ndarray:
        """The clicks sounding in take frames START..START+FRAMES (silence before `first`)."""
        out = np.zeros(frames, dtype=np.float32)
        skip = max(0, self.first - start)
        if skip < frames:
            out[skip:] = _click_track(self.bpm, self.beats_per_bar, bars=None,
                                      frames=frames - skip, samplerate=samplerate,
                                      start=start + skip - self.first)
        return out


@dataclass(frozen=True)
class CountInBeat:
    """One beat of a count-in: the frame its click starts on, and the number to show."""

    frame: int
    number: int


@dataclass(frozen=True, eq=False)
class CountIn:
    """The count-in's clicks and beats; the take's first beat falls on frame `frames`, where the
    samples end."""

    samples: np.ndarray
    samplerate: int
    bpm: float
    beats: tuple[CountInBeat, ...]

    @property
    def frames(self) -> int:
        """How long the count-in lasts: the frame of the take's first beat."""
        return len(self.samples)

    def number_at(self, frame: int) -> int | None:
        """The number to show at FRAME: that of the last beat begun, None outside the count-in."""
        if frame < 0 or frame >= self.frames:
            return None
        shown = [beat.number for beat in self.beats if beat.frame <= frame]
        return shown[-1] if shown else None


def count_in(bpm: float, beats_per_bar: int = 4, bars: int = 1, samplerate: int = 48000
             ) -> CountIn:
    """A count-in of BARS (1 to 4) bars at BPM: clicks and the beat numbers 1, 2, 3, 4, 1, ..."""
    bpm = check_tempo(bpm)
    beats_per_bar = _check_beats_per_bar(beats_per_bar)
    if isinstance(bars, bool) or bars not in COUNT_IN_BARS:
        raise InputError(_("A count-in lasts one to four bars, not {bars}.").format(bars=bars))
    rate = _check_samplerate(samplerate)
    beats = tuple(CountInBeat(beat_frame(k, bpm, rate), k % beats_per_bar + 1)
                  for k in range(bars * beats_per_bar))
    samples = click_track(bpm, beats_per_bar, bars=bars, samplerate=rate)
    return CountIn(samples=samples, samplerate=rate, bpm=bpm, beats=beats)


def _check_beats_per_bar(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) \
            or not 1 <= value <= MAX_BEATS_PER_BAR:
        raise InputError(_("A bar has from 1 to {most} beats, not {value}.").format(
            most=MAX_BEATS_PER_BAR, value=value))
    return int(value)


def _check_samplerate(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) \
            or value < MIN_SAMPLERATE:
        raise InputError(_("The sample rate {rate} is too low for the metronome; it needs at "
                           "least {least} samples per second.").format(rate=value,
                                                                       least=MIN_SAMPLERATE))
    return int(value)
