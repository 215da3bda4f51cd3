"""Tempo: the range people may choose, tapping it in, and finding it in a recording.

Detection follows librosa: an onset-strength envelope (mel spectral flux, with its noise floor
taken off) and its dynamic-programming beat tracker. librosa's tempo comes from a coarse grid,
so the tempo reported is the slope of a least-squares line through the beats, each moved to its
onset peak; click tracks come out within a few hundredths of a BPM, and a band that drifts gets
its average tempo. The tracker, drawn to about 120 BPM, may lock on to every other beat of a
fast track or put a beat on every rest of a slow one, so:

- when every other beat falls where nothing is heard, the tempo is halved;
- when the points halfway (or a third of the way) between beats sound about as strong as the
  beats themselves (`SUBDIVISION_RATIO`), the tempo is doubled (or tripled), within the range.

A song whose eighth notes are as loud as its beats is thus reported at double tempo; its beats
are louder in most music. Audio with no steady beat (noise, speech, a held chord) is refused
with an InputError rather than given a tempo at random, as is silence or less than
`MIN_SECONDS`. Audio is analysed block by block at `ANALYSIS_RATE`, and at most `max_minutes`
of it, so a two-hour take is neither loaded whole nor analysed for minutes. librosa (with scipy
and numba under it) is imported only when a tempo is detected.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mt_studio.core.errors import InputError
from mt_studio.i18n import _, number_text

MIN_BPM = 30.0
MAX_BPM = 300.0

ANALYSIS_RATE = 22050
N_FFT = 1024
HOP = 256  # 11.6 ms envelope frames
# The onset envelope peaks about this late after a sharp attack (measured on clicks).
ONSET_DELAY_SECONDS = 0.0107
MIN_SECONDS = 4.0
MAX_MINUTES = 5.0
BLOCK_FRAMES = 1 << 16
TEMPOGRAM_FRAMES = 4096  # 48 s of envelope
READING = 0.7  # the share of the work spent reading and analysing the audio, for progress
SILENCE = 1e-4  # -80 dBFS: a peak below this is silence
SUBDIVISION_RATIO = 0.75
OFFBEAT_RATIO = 0.25
# Below this `confidence` there is no steady beat: noise and speech score under 0.3, click
# tracks and drum grooves 0.55-0.75.
MIN_CONFIDENCE = 0.4

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


class DetectionCancelled(Exception):
    """Tempo detection stopped because its cancel check said so."""


def check_tempo(value: object) -> float:
    """A tempo typed by a person ("96", "96,5", 96.5) as BPM; InputError naming it if it is not
    a number from MIN_BPM to MAX_BPM."""
    number = math.nan
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            pass
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    if not MIN_BPM <= number <= MAX_BPM:  # also refuses NaN
        raise InputError(_("The tempo {value} is not a number of beats per minute from {low} "
                           "to {high}.").format(value=value, low=f"{MIN_BPM:g}",
                                                high=f"{MAX_BPM:g}"))
    return number


class TapTempo:
    """The tempo of taps on a button or key, from the last `keep` taps.

    The tempo is the Theil-Sen slope of the taps (the median over all pairs of taps of time per
    beat), so one sloppy tap barely moves it. A gap longer than twice the current beat, or
    before there is one longer than the slowest beat allowed, starts a new series of taps.
    """

    def __init__(self, *, keep: int = 8, least: int = 3) -> None:
        if least < 2 or keep < least:
            raise ValueError(f"need 2 <= least <= keep, not least={least}, keep={keep}")
        self._keep = keep
        self._least = least
        self._taps: list[float] = []

    def tap(self, when: float) -> float | None:
        """Record a tap at WHEN (seconds of a monotonic clock); the tempo now, as `bpm`."""
        if not math.isfinite(when) or (self._taps and when < self._taps[-1]):
            raise ValueError(f"taps must come in time order, not {when} after {self._taps[-1:]}")
        if self._taps and when - self._taps[-1] > self._pause():
            self._taps.clear()  # a new series
        self._taps = [*self._taps, when][-self._keep:]
        return self.bpm

    def reset(self) -> None:
        """Forget every tap."""
        self._taps.clear()

    @property
    def taps(self) -> int:
        """How many taps the tempo is taken from."""
        return len(self._taps)

    @property
    def bpm(self) -> float | None:
        """The tapped tempo, or None with too few taps or a tempo out of range."""
        beat = self._beat() if len(self._taps) >= self._least else 0.0
        bpm = 60.0 / beat if beat > 0 else 0.0
        return bpm if MIN_BPM <= bpm <= MAX_BPM else None

    def _beat(self) -> float:
        taps = self._taps
        return statistics.median((taps[j] - taps[i]) / (j - i)
                                 for i in range(len(taps)) for j in range(i + 1, len(taps)))

    def _pause(self) -> float:
        beat = self._beat() if len(self._taps) >= 2 else 0.0
        return 2 * beat if beat > 0 else 60.0 / MIN_BPM * 1.25


@dataclass(frozen=True, eq=False)
class TempoEstimate:
    """A detected tempo, the beats heard (frames of the input, in order), and a rough 0-1
    confidence: how much more onset strength lies on the beats than between them."""

    bpm: float
    beats: np.ndarray
    confidence: float

    def first_beat(self, samplerate: int) -> int:
        """The earliest frame on the beat: the first beat heard, moved back by whole beats.
        (Which beat starts a bar is not known; bars are counted from here.)"""
        if not len(self.beats):
            return 0
        return round(float(self.beats[0]) % (60 * samplerate / self.bpm))


def detect_tempo(samples: np.ndarray, samplerate: int, *, max_minutes: float = MAX_MINUTES,
                 progress: Progress | None = None, cancelled: Cancelled | None = None
                 ) -> TempoEstimate:
    """The tempo of SAMPLES (mono, or (frames, channels) mixed down) at SAMPLERATE, from at most
    the first MAX_MINUTES; InputError if the audio is silent, shorter than MIN_SECONDS or has
    no steady beat, DetectionCancelled when CANCELLED() turns true."""
    source = _("the audio")
    data = np.asarray(samples)
    if data.ndim == 2:
        data = data.mean(axis=1)
    if data.ndim != 1 or data.dtype.kind not in "iuf":
        raise InputError(_("Cannot find a tempo in {source}: it is not a mono or multichannel "
                           "signal.").format(source=source))
    rate = _check_samplerate(samplerate, source)
    data = data[:_limit(max_minutes, rate)]
    if not np.all(np.isfinite(data)):
        raise InputError(_("Cannot find a tempo in {source}: it holds samples that are not "
                           "numbers.").format(source=source))
    onsets = _Onsets(rate)
    for first in range(0, len(data), BLOCK_FRAMES):
        _check_cancel(cancelled)
        onsets.feed(data[first:first + BLOCK_FRAMES])
        _report(progress, READING * min(1.0, (first + BLOCK_FRAMES) / len(data)))
    return _estimate(onsets, rate, 0, source, progress, cancelled)


def detect_tempo_of_files(tracks: Sequence[Sequence[Path]], *, start: int = 0,
                          stop: int | None = None, max_minutes: float = MAX_MINUTES,
                          progress: Progress | None = None, cancelled: Cancelled | None = None
                          ) -> TempoEstimate:
    """The tempo of TRACKS mixed (each a list of its part files in order, mono WAVs of one take),
    in frames START..STOP of the take (STOP exclusive, default the end), from at most the first
    MAX_MINUTES of that; the beats are frames of the take. Only what is analysed is read."""
    from mt_studio.core.waveform import open_track_file

    paths = [[Path(path) for path in parts] for parts in tracks]
    if not paths or not all(paths):
        raise InputError(_("Cannot find a tempo: no audio file was given."))
    source = ", ".join(str(path) for parts in paths for path in parts)
    rates, ends = set(), []
    for parts in paths:
        frames = 0
        for path in parts:
            with open_track_file(path) as file:
                rates.add(file.samplerate)
                frames += file.frames
        ends.append(frames)
    if len(rates) > 1:
        raise InputError(_("Cannot find a tempo in {source}: the files have different sample "
                           "rates.").format(source=source))
    rate = rates.pop()
    end = min(max(ends) if stop is None else stop, max(ends), start + _limit(max_minutes, rate))
    if start < 0 or end <= start:
        raise InputError(_("Cannot find a tempo in {source}: frames {start} to {stop} are not a "
                           "stretch of the take, which has {frames} frames.").format(
                               source=source, start=start, stop=stop, frames=max(ends)))
    stop = end
    onsets = _Onsets(rate)
    readers = [_track_blocks(parts, start, stop) for parts in paths]
    done = 0
    for blocks in zip(*readers, strict=True):
        _check_cancel(cancelled)
        onsets.feed(np.sum(blocks, axis=0, dtype=np.float32))
        done += len(blocks[0])
        _report(progress, READING * done / (stop - start))
    return _estimate(onsets, rate, start, source, progress, cancelled)


def _track_blocks(paths: Sequence[Path], start: int, stop: int) -> Iterator[np.ndarray]:
    """Frames START..STOP of one track's parts as float32 blocks of BLOCK_FRAMES (the last may be
    shorter), zeros past the track's end, so that tracks of one take read in step."""
    from mt_studio.core.waveform import TrackReader

    with TrackReader(paths, start) as reader:
        for first in range(start, stop, BLOCK_FRAMES):
            yield reader.read(min(BLOCK_FRAMES, stop - first))


class _Onsets:
    """librosa's onset strength of a stream of blocks: resampled to ANALYSIS_RATE, framed like
    its centred STFT, and kept only as mel power, so memory stays small however long the audio."""

    def __init__(self, samplerate: int) -> None:
        import librosa
        import soxr

        self._resampler = (None if samplerate == ANALYSIS_RATE else soxr.ResampleStream(
            samplerate, ANALYSIS_RATE, 1, dtype="float32"))
        self._mel = librosa.filters.mel(sr=ANALYSIS_RATE, n_fft=N_FFT).astype(np.float32)
        self._window = librosa.filters.get_window("hann", N_FFT, fftbins=True).astype(np.float32)
        self._pending = np.zeros(N_FFT // 2, dtype=np.float32)  # the centred STFT's padding
        self._powers: list[np.ndarray] = []
        self.samples = 0  # at ANALYSIS_RATE
        self.peak = 0.0

    def feed(self, block: np.ndarray, last: bool = False) -> None:
        """Analyse the next BLOCK of samples (at the input rate)."""
        block = np.ascontiguousarray(block, dtype=np.float32)
        if len(block):
            self.peak = max(self.peak, float(np.max(np.abs(block))))
        if self._resampler is not None:
            block = self._resampler.resample_chunk(block, last=last)
        self.samples += len(block)
        buffer = np.concatenate([self._pending, block])
        if last:
            buffer = np.concatenate([buffer, np.zeros(N_FFT // 2, dtype=np.float32)])
        count = 1 + (len(buffer) - N_FFT) // HOP if len(buffer) >= N_FFT else 0
        if count:
            frames = np.lib.stride_tricks.sliding_window_view(buffer, N_FFT)[::HOP][:count]
            spectrum = np.fft.rfft(frames * self._window, axis=1)
            power = (spectrum.real ** 2 + spectrum.imag ** 2).astype(np.float32)
            self._powers.append(self._mel @ power.T)
        self._pending = buffer[count * HOP:]

    def envelope(self) -> np.ndarray:
        """The onset strength of everything fed, one value per HOP samples at ANALYSIS_RATE."""
        import librosa

        self.feed(np.zeros(0, dtype=np.float32), last=True)
        if not self._powers:
            return np.zeros(0, dtype=np.float32)
        mel = np.concatenate(self._powers, axis=1)
        return librosa.onset.onset_strength(S=librosa.power_to_db(mel), sr=ANALYSIS_RATE,
                                            n_fft=N_FFT, hop_length=HOP)


def _estimate(onsets: _Onsets, rate: int, offset: int, source: str, progress: Progress | None,
              cancelled: Cancelled | None) -> TempoEstimate:
    import librosa

    _check_cancel(cancelled)
    envelope = onsets.envelope()
    seconds = onsets.samples / ANALYSIS_RATE
    if seconds < MIN_SECONDS:
        raise InputError(_("Cannot find a tempo in {source}: it lasts {seconds} s, and at least "
                           "{least} s are needed.").format(
            source=source, seconds=number_text(seconds), least=f"{MIN_SECONDS:g}"))
    if onsets.peak < SILENCE or not np.any(envelope > 0):
        raise InputError(_("Cannot find a tempo in {source}: it is silent.").format(source=source))
    _check_cancel(cancelled)
    # Without the noise floor, noise cannot pull the tracker's tempo towards its prior's 120.
    envelope = np.maximum(0.0, envelope - np.median(envelope))
    bpm = _tracker_tempo(envelope, progress, cancelled)
    tracked = librosa.beat.beat_track(onset_envelope=envelope, sr=ANALYSIS_RATE,
                                      hop_length=HOP, bpm=bpm)[1]
    beats = _fix_octave(envelope, np.asarray(tracked, dtype=np.float64))
    fitted = _fit(envelope, beats) if len(beats) >= 4 else None
    confidence = _confidence(envelope, beats) if fitted is not None else 0.0
    if fitted is None or confidence < MIN_CONFIDENCE:
        raise InputError(_("Cannot find a tempo in {source}: no steady beat was heard.").format(
            source=source))
    period, heard = fitted
    bpm = 60.0 * ANALYSIS_RATE / (HOP * period)
    while bpm > MAX_BPM * 1.01:
        bpm /= 2
    while bpm < MIN_BPM * 0.99:
        bpm *= 2
    bpm = min(max(bpm, MIN_BPM), MAX_BPM)
    seconds_of = heard * HOP / ANALYSIS_RATE - ONSET_DELAY_SECONDS
    frames = offset + np.maximum(0, np.round(seconds_of * rate)).astype(np.int64)
    _report(progress, 1.0)
    return TempoEstimate(bpm=bpm, beats=frames, confidence=confidence)


def _tracker_tempo(envelope: np.ndarray, progress: Progress | None,
                   cancelled: Cancelled | None) -> float:
    """librosa's tempo estimate, its tempogram averaged piece by piece: whole, the tempogram of
    four minutes takes more than half a gigabyte."""
    import librosa

    window = librosa.time_to_frames(8.0, sr=ANALYSIS_RATE, hop_length=HOP).item()  # its ac_size
    total = np.zeros((window, 1))
    pieces = np.array_split(envelope, max(1, len(envelope) // TEMPOGRAM_FRAMES))
    for done, piece in enumerate(pieces, 1):
        _check_cancel(cancelled)
        gram = librosa.feature.tempogram(onset_envelope=piece, sr=ANALYSIS_RATE, hop_length=HOP,
                                         win_length=window)
        total += gram.sum(axis=1, keepdims=True)
        _report(progress, READING + (1 - READING) * 0.9 * done / len(pieces))
    return float(librosa.feature.tempo(tg=total / len(envelope), sr=ANALYSIS_RATE,
                                       hop_length=HOP)[0])


def _peaks(envelope: np.ndarray, positions: np.ndarray, reach: int
           ) -> tuple[np.ndarray, np.ndarray]:
    """The loudest onset within REACH frames of each of POSITIONS: its frame and strength."""
    centres = np.clip(np.round(positions).astype(np.int64), 0, len(envelope) - 1)
    padded = np.pad(envelope, reach)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1)[centres]
    return centres - reach + np.argmax(windows, axis=1), windows.max(axis=1)


def _strength(envelope: np.ndarray, positions: np.ndarray, reach: int) -> float:
    """The mean strength of the loudest onsets near POSITIONS."""
    return float(_peaks(envelope, positions, reach)[1].mean())


def _fix_octave(envelope: np.ndarray, beats: np.ndarray) -> np.ndarray:
    """BEATS halved or subdivided when the onsets say the tracker took the wrong octave."""
    if len(beats) < 4:
        return beats
    period = float(np.median(np.diff(beats)))
    bpm = 60.0 * ANALYSIS_RATE / (HOP * period)
    reach = max(2, round(period / 8))
    even, odd = _strength(envelope, beats[0::2], reach), _strength(envelope, beats[1::2], reach)
    if min(even, odd) < OFFBEAT_RATIO * max(even, odd) and bpm / 2 >= MIN_BPM * 0.99:
        return beats[0 if even >= odd else 1::2]
    strong = _strength(envelope, beats, reach)
    for parts in (2, 3):
        if bpm * parts > MAX_BPM * 1.01:
            break
        steps = np.diff(beats)
        between = [beats[:-1] + steps * j / parts for j in range(1, parts)]
        if all(_strength(envelope, points, max(2, round(period / parts / 8)))
               >= SUBDIVISION_RATIO * strong for points in between):
            return np.sort(np.concatenate([beats, *between]))
    return beats


def _fit(envelope: np.ndarray, beats: np.ndarray) -> tuple[float, np.ndarray] | None:
    """The beat period (envelope frames) of a least-squares line through the beats heard, each
    moved to its onset peak, and those beats (fractional frames); None if under four fit.

    A beat is left out when it lies off the line by more than an eighth of a beat more than its
    neighbours do: a tempo that drifts bends the line's residuals smoothly, a beat put on the
    wrong onset sticks out of them.
    """
    from scipy.ndimage import median_filter

    period = float(np.median(np.diff(beats)))
    peaks, level = _peaks(envelope, beats, max(2, round(period / 8)))
    heard = (level > 0) & (level >= OFFBEAT_RATIO * float(np.median(level)))
    times = np.unique(np.clip(peaks[heard], 0, len(envelope) - 1))
    times = times + _parabola(envelope, times)
    # Beat numbers from the spacing, so that a beat missed in a rest leaves a gap in the count.
    index = np.concatenate([[0], np.cumsum(np.round(np.diff(times) / period))])
    single = np.diff(index, prepend=-1) > 0  # two onsets counted as one beat: keep the first
    times, index = times[single], index[single]
    if len(times) < 4:
        return None
    slope, intercept = np.polyfit(index, times, 1)
    residual = times - (intercept + slope * index)
    keep = np.abs(residual - median_filter(residual, size=9, mode="nearest")) <= period / 8
    if keep.sum() < 4:
        return None
    slope = np.polyfit(index[keep], times[keep], 1)[0]
    return float(slope), times[keep]


def _confidence(envelope: np.ndarray, beats: np.ndarray) -> float:
    """How much stronger the onsets on the beats are than those anywhere between them: 1 minus
    the ratio of the mean strengths near every frame and near the beats, in 0-1."""
    reach = max(2, round(float(np.median(np.diff(beats))) / 8))
    on_beats = _strength(envelope, beats, reach)
    everywhere = _strength(envelope, np.arange(int(beats[0]), int(beats[-1]) + 1), reach)
    return float(np.clip(1.0 - everywhere / on_beats, 0.0, 1.0)) if on_beats > 0 else 0.0


def _parabola(envelope: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """How far the true top of each peak lies from its frame, from a parabola through three."""
    inner = np.clip(peaks, 1, len(envelope) - 2)
    left, middle, right = envelope[inner - 1], envelope[inner], envelope[inner + 1]
    curve = left - 2 * middle + right
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(curve < 0, 0.5 * (left - right) / curve, 0.0)
    return np.clip(shift, -0.5, 0.5)


def _check_samplerate(samplerate: object, source: str) -> int:
    if isinstance(samplerate, bool) or not isinstance(samplerate, int | np.integer) \
            or not 1000 <= samplerate <= 768000:
        raise InputError(_("Cannot find a tempo in {source}: {rate} is not a sample rate (a "
                           "whole number of samples per second).").format(source=source,
                                                                           rate=samplerate))
    return int(samplerate)


def _limit(max_minutes: float, rate: int) -> int:
    if not max_minutes > 0:
        raise ValueError(f"max_minutes must be positive, not {max_minutes}")
    return int(max_minutes * 60 * rate)


def _check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise DetectionCancelled


def _report(progress: Progress | None, fraction: float) -> None:
    if progress is not None:
        progress(min(1.0, fraction))
