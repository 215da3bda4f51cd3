"""Listening to a take: onset strength, chroma and loudness, read block by block, and its beats.

The take is read through `TakeAudio.blocks`, resampled to ANALYSIS_RATE as a stream and
analysed in pieces of about half a minute (each with some sound either side, so that nothing
changes at a piece's edge), so a take of hours is never held whole: only the features are kept
(about 150 kB a minute). librosa is imported only when something is analysed.

Beats come from librosa's dynamic-programming tracker on the onset strength. Its tempo comes
from a coarse grid, so the tempo reported is the slope of a least-squares line through the
beats, each moved to its onset peak. The first beat of a bar is the beat where the harmony
changes most (and, less, where the onsets are strongest).

Plugins reach it through mt_studio.plugin_api (`listen`, `track_beats`, `harmony_change`, `Heard`,
`Beats`), so that every plugin that listens hears alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mt_studio.core.plugins.extensions import TakeAudio

ANALYSIS_RATE = 22050
ONSET_HOP = 256  # 11.6 ms
CHROMA_HOP = 512  # 23.2 ms
PIECE = 1292 * CHROMA_HOP  # 30 s at ANALYSIS_RATE, a whole number of both hops
PAD = 32 * CHROMA_HOP  # 0.74 s either side of a piece: longer than the CQT's lowest filter
# The last piece is padded with silence to this length at least: the CQT's lowest octave is
# analysed at 1/64 of the rate, with 1024-sample frames.
MIN_SEGMENT = 1 << 17
N_MELS = 64
SILENCE = 1e-4  # -80 dBFS
N_FFT = 1024
TOP_DB = 80.0
# The onset strength peaks this long after a sharp attack; less than nothing, as the attack
# already reaches the tail of the centred analysis window (measured on clicks).
ONSET_DELAY = -0.0068
MIN_BPM, MAX_BPM = 30.0, 300.0
MIN_BEATS = 8
# Below this share of onset strength on the beats there is no steady beat (see `_confidence`).
MIN_CONFIDENCE = 0.3
# Nor when fewer of the beats tracked than this fall on something heard (see `_heard_share`):
# a tracker given a few chords and nothing between them spreads beats over the silence.
MIN_HEARD_SHARE = 0.6
OFFBEAT_RATIO = 0.25

Progress = Callable[[float], None]


@dataclass(frozen=True, eq=False)
class Heard:
    """What was heard in a take of FRAMES frames at SAMPLERATE: onset strength (one value per
    ONSET_HOP samples at ANALYSIS_RATE), chroma (12 x frames, one per CHROMA_HOP, not
    normalised: louder frames weigh more) and RMS level (one per CHROMA_HOP)."""

    samplerate: int
    frames: int
    envelope: np.ndarray
    chroma: np.ndarray
    rms: np.ndarray

    def frame_of(self, index: float | np.ndarray, hop: int) -> np.ndarray:
        """The take frame at the centre of feature frame INDEX (of HOP)."""
        return np.asarray(index, dtype=np.float64) * hop * self.samplerate / ANALYSIS_RATE

    def index_of(self, frame: float | np.ndarray, hop: int) -> np.ndarray:
        """The feature frame (of HOP, fractional) centred on take frame FRAME."""
        return np.asarray(frame, dtype=np.float64) * ANALYSIS_RATE / (hop * self.samplerate)

    def mean_chroma(self, start: float, stop: float, trim: float = 0.1) -> np.ndarray:
        """The chroma of take frames START..STOP, TRIM of it left off either end (where the
        sound before and after still rings in the analysis windows)."""
        cut = (stop - start) * trim
        first, last = self.index_of(np.array([start + cut, stop - cut]), CHROMA_HOP)
        first, last = int(np.ceil(first)), int(np.floor(last)) + 1
        first = min(max(first, 0), self.chroma.shape[1] - 1)
        last = max(min(last, self.chroma.shape[1]), first + 1)
        return self.chroma[:, first:last].mean(axis=1)

    def level(self, start: float, stop: float) -> float:
        """The RMS level of take frames START..STOP."""
        first, last = self.index_of(np.array([start, stop]), CHROMA_HOP)
        first = min(max(int(round(first)), 0), len(self.rms) - 1)
        last = max(min(int(round(last)), len(self.rms)), first + 1)
        return float(np.sqrt(np.mean(self.rms[first:last] ** 2)))


def listen(audio: TakeAudio, progress: Progress | None = None, share: float = 1.0) -> Heard:
    """Onset strength, chroma and level of AUDIO, read once, block by block; PROGRESS is told
    fractions up to SHARE as it goes."""
    import soxr

    resampler = None if audio.samplerate == ANALYSIS_RATE else soxr.ResampleStream(
        audio.samplerate, ANALYSIS_RATE, 1, dtype="float32")
    pieces = _Pieces()
    buffer = np.zeros(PAD, dtype=np.float32)  # silence before the take, as a centred STFT pads
    done = 0
    for start, block in audio.blocks(1 << 16):
        block = _mono(block)
        done = start + len(block)
        last = done >= audio.frames
        if resampler is not None:
            block = resampler.resample_chunk(block, last=last)
        buffer = np.concatenate([buffer, block])
        while len(buffer) >= PIECE + 2 * PAD:
            pieces.analyse(buffer[:PIECE + 2 * PAD], PIECE)
            buffer = buffer[PIECE:]
        if progress is not None and audio.frames:
            progress(share * min(1.0, done / audio.frames))
    if resampler is not None and done < audio.frames:  # blocks() ended early: flush anyway
        buffer = np.concatenate([buffer, resampler.resample_chunk(
            np.zeros(0, dtype=np.float32), last=True)])
    expected = int(np.ceil(audio.frames * ANALYSIS_RATE / audio.samplerate))
    rest = max(0, min(len(buffer) - PAD, expected - pieces.samples))
    after = max(PAD, MIN_SEGMENT - PAD - rest)
    pieces.analyse(np.concatenate([buffer[:PAD + rest], np.zeros(after, np.float32)]), rest,
                   last=True)
    return Heard(audio.samplerate, audio.frames, *pieces.joined())


def _mono(block: np.ndarray) -> np.ndarray:
    data = np.asarray(block, dtype=np.float32)
    if data.ndim == 2:
        data = data.mean(axis=1, dtype=np.float32)
    return np.nan_to_num(data.reshape(-1), nan=0.0, posinf=0.0, neginf=0.0)


class _Pieces:
    """The features of a stream of overlapping pieces, each analysed alone."""

    def __init__(self) -> None:
        import librosa

        self._mel = librosa.filters.mel(sr=ANALYSIS_RATE, n_fft=N_FFT, n_mels=N_MELS)
        self._loudest = -np.inf
        self.samples = 0
        self._envelope: list[np.ndarray] = []
        self._chroma: list[np.ndarray] = []
        self._rms: list[np.ndarray] = []

    def analyse(self, segment: np.ndarray, length: int, last: bool = False) -> None:
        """Features of SEGMENT[PAD:PAD + LENGTH], with (at least) PAD samples either side."""
        import librosa

        count = length // ONSET_HOP + (1 if last else 0)
        first = PAD // ONSET_HOP
        spectrum = np.abs(librosa.stft(segment, n_fft=N_FFT, hop_length=ONSET_HOP)) ** 2
        decibels = 10 * np.log10(np.maximum(self._mel @ spectrum, 1e-10))
        self._loudest = max(self._loudest, float(decibels.max()))
        decibels = np.maximum(decibels, self._loudest - TOP_DB)
        before = decibels[:, first - 1:first + count - 1]
        rise = np.maximum(0.0, decibels[:, first:first + count] - before).mean(axis=0)
        self._envelope.append(rise.astype(np.float32))

        count = length // CHROMA_HOP + (1 if last else 0)
        first = PAD // CHROMA_HOP
        # The tuning is estimated piece by piece (an instrument a little off A = 440 Hz still
        # lands in its pitch classes), but not on silence, where there is nothing to go by.
        tuning = None if np.max(np.abs(segment)) > SILENCE else 0.0
        chroma = librosa.feature.chroma_cqt(y=segment, sr=ANALYSIS_RATE, hop_length=CHROMA_HOP,
                                            norm=None, tuning=tuning)
        self._chroma.append(chroma[:, first:first + count].astype(np.float32))
        rms = librosa.feature.rms(y=segment, frame_length=2 * CHROMA_HOP, hop_length=CHROMA_HOP)
        self._rms.append(rms[0, first:first + count].astype(np.float32))
        self.samples += length

    def joined(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (np.concatenate(self._envelope), np.concatenate(self._chroma, axis=1),
                np.concatenate(self._rms))


@dataclass(frozen=True, eq=False)
class Beats:
    """The beats of a take: BPM and PERIOD (take frames per beat) from the line through them,
    FIRST the earliest frame on that line (from 0), the beats TRACKED (take frames, following a
    band that drifts) and DOWNBEAT, the index in TRACKED of the first bar's first beat."""

    bpm: float
    period: float
    first: float
    tracked: np.ndarray
    downbeat: int
    confidence: float

    def downbeats(self, frames: int, beats_per_bar: int, downbeat: int | None = None
                  ) -> np.ndarray:
        """The frames where bars begin, from the start of the take (FRAMES long) to its end:
        every BEATS_PER_BAR-th beat tracked from DOWNBEAT (default the one found), and before
        and after those whole bars of the fitted length."""
        bar = self.period * beats_per_bar
        first = self.downbeat if downbeat is None else downbeat
        heard = self.tracked[first::beats_per_bar].astype(np.float64)
        if not len(heard):
            heard = np.array([self.first])
        before = heard[0] - bar * np.arange(int(heard[0] // bar) + 1, 0, -1)
        after = heard[-1] + bar * np.arange(1, int((frames - heard[-1]) // bar) + 2)
        starts = np.concatenate([before, heard, after])
        return starts[(starts > -bar / 2) & (starts < frames)]


def track_beats(heard: Heard, bpm: float | None = None, beats_per_bar: int = 4
                ) -> Beats | None:
    """The beats of HEARD, at about BPM if that is known; None when there is no steady beat."""
    import librosa

    envelope = heard.envelope.astype(np.float64)
    envelope = np.maximum(0.0, envelope - np.median(envelope))
    if len(envelope) < 4 or not np.any(envelope > 0):
        return None
    bpm = _tempo(envelope) if bpm is None else min(max(bpm, MIN_BPM), MAX_BPM)
    tracked = librosa.beat.beat_track(onset_envelope=envelope, sr=ANALYSIS_RATE,
                                      hop_length=ONSET_HOP, bpm=bpm, units="frames")[1]
    beats = _fix_octave(envelope, np.asarray(tracked, dtype=np.float64))
    fitted = _fit(envelope, beats) if len(beats) >= MIN_BEATS else None
    if fitted is None:
        return None
    period, on_line, heard_beats = fitted
    confidence = _confidence(envelope, heard_beats)
    if confidence < MIN_CONFIDENCE or _heard_share(envelope, beats) < MIN_HEARD_SHARE:
        return None
    delay = ONSET_DELAY * ANALYSIS_RATE / ONSET_HOP
    scale = ONSET_HOP * heard.samplerate / ANALYSIS_RATE
    period_frames = period * scale
    first = ((on_line - delay) * scale) % period_frames
    tracked_frames = np.round((beats - delay) * scale).astype(np.int64)
    tracked_frames = tracked_frames[(tracked_frames >= 0) & (tracked_frames < heard.frames)]
    downbeat = _downbeat(heard, envelope, tracked_frames, beats_per_bar)
    return Beats(60.0 * heard.samplerate / period_frames, period_frames, first,
                 tracked_frames, downbeat, confidence)


def _tempo(envelope: np.ndarray) -> float:
    """librosa's tempo estimate, its tempogram averaged piece by piece (a whole tempogram of
    an hour would take gigabytes)."""
    import librosa

    window = int(librosa.time_to_frames(8.0, sr=ANALYSIS_RATE, hop_length=ONSET_HOP))
    total = np.zeros((window, 1))
    for piece in np.array_split(envelope, max(1, len(envelope) // 4096)):
        gram = librosa.feature.tempogram(onset_envelope=piece, sr=ANALYSIS_RATE,
                                         hop_length=ONSET_HOP, win_length=window)
        total += gram.sum(axis=1, keepdims=True)
    return float(librosa.feature.tempo(tg=total / len(envelope), sr=ANALYSIS_RATE,
                                       hop_length=ONSET_HOP)[0])


def _peaks(envelope: np.ndarray, positions: np.ndarray, reach: int
           ) -> tuple[np.ndarray, np.ndarray]:
    """The loudest onset within REACH frames of each of POSITIONS: its frame and strength."""
    centres = np.clip(np.round(positions).astype(np.int64), 0, len(envelope) - 1)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(envelope, reach),
                                                       2 * reach + 1)[centres]
    return centres - reach + np.argmax(windows, axis=1), windows.max(axis=1)


def _fix_octave(envelope: np.ndarray, beats: np.ndarray) -> np.ndarray:
    """BEATS halved when every other one falls where nothing is heard."""
    if len(beats) < 2 * MIN_BEATS:
        return beats
    period = float(np.median(np.diff(beats)))
    reach = max(2, round(period / 8))
    even = float(_peaks(envelope, beats[0::2], reach)[1].mean())
    odd = float(_peaks(envelope, beats[1::2], reach)[1].mean())
    bpm = 60.0 * ANALYSIS_RATE / (ONSET_HOP * period)
    if min(even, odd) < OFFBEAT_RATIO * max(even, odd) and bpm / 2 >= MIN_BPM:
        return beats[0 if even >= odd else 1::2]
    return beats


def _fit(envelope: np.ndarray, beats: np.ndarray
         ) -> tuple[float, float, np.ndarray] | None:
    """The beat period (envelope frames) of a least-squares line through the beats, each moved
    to its onset peak, a frame on that line and those peaks (fractional frames); None if too
    few are heard. A peak off the line by more than an eighth of a beat is left out."""
    period = float(np.median(np.diff(beats)))
    peaks, level = _peaks(envelope, beats, max(2, round(period / 8)))
    heard = level >= OFFBEAT_RATIO * float(np.median(level))
    times = np.unique(peaks[heard])
    times = times + _parabola(envelope, times)
    index = np.concatenate([[0], np.cumsum(np.round(np.diff(times) / period))])
    single = np.diff(index, prepend=-1) > 0
    times, index = times[single], index[single]
    for _round in range(2):
        if len(times) < MIN_BEATS:
            return None
        slope, intercept = np.polyfit(index, times, 1)
        keep = np.abs(times - (intercept + slope * index)) <= period / 8
        times, index = times[keep], index[keep]
    if len(times) < MIN_BEATS:
        return None
    slope, intercept = np.polyfit(index, times, 1)
    return float(slope), float(intercept), times


def _confidence(envelope: np.ndarray, beats: np.ndarray) -> float:
    """How much stronger the onsets near the beats are than those near every frame, 0-1."""
    reach = max(2, round(float(np.median(np.diff(beats))) / 8))
    on_beats = float(_peaks(envelope, beats, reach)[1].mean())
    everywhere = float(_peaks(envelope, np.arange(int(beats[0]), int(beats[-1]) + 1),
                              reach)[1].mean())
    return float(np.clip(1.0 - everywhere / on_beats, 0.0, 1.0)) if on_beats > 0 else 0.0


def _heard_share(envelope: np.ndarray, beats: np.ndarray) -> float:
    """The share of BEATS near an onset at least OFFBEAT_RATIO as strong as the strongest near
    the eight beats around it (so that a quiet verse counts as heard beside a loud chorus)."""
    reach = max(2, round(float(np.median(np.diff(beats))) / 8))
    level = _peaks(envelope, beats, reach)[1]
    around = np.lib.stride_tricks.sliding_window_view(np.pad(level, 4, mode="edge"), 9)
    return float(np.mean(level >= OFFBEAT_RATIO * around.max(axis=1)))


def _parabola(envelope: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """How far the true top of each peak lies from its frame, from a parabola through three."""
    inner = np.clip(peaks, 1, len(envelope) - 2).astype(np.int64)
    left, middle, right = envelope[inner - 1], envelope[inner], envelope[inner + 1]
    curve = left - 2 * middle + right
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(curve < 0, 0.5 * (left - right) / curve, 0.0)
    return np.clip(shift, -0.5, 0.5)


def _downbeat(heard: Heard, envelope: np.ndarray, beats: np.ndarray, beats_per_bar: int
              ) -> int:
    """Which of the first BEATS_PER_BAR beats begins a bar: the one whose place in the bar has
    the most change of harmony from the beat before, with the onsets' strength to weigh in."""
    if beats_per_bar < 2 or len(beats) < beats_per_bar + 1:
        return 0
    change = harmony_change(heard, beats)
    strength = _peaks(envelope, heard.index_of(beats, ONSET_HOP), 2)[1]
    strength = strength / (strength.max() + 1e-12)
    score = change / (change.max() + 1e-12) + 0.5 * strength
    places = [float(np.mean(score[p::beats_per_bar])) for p in range(beats_per_bar)]
    return int(np.argmax(places))


def harmony_change(heard: Heard, beats: np.ndarray) -> np.ndarray:
    """For each of BEATS (take frames), how much the harmony changes there: 1 minus the cosine
    similarity of the chroma of the beat before and the beat after it (0 at either end)."""
    change = np.zeros(len(beats))
    if len(beats) < 3:
        return change
    chroma = np.array([heard.mean_chroma(a, b, trim=0.2)
                       for a, b in zip(beats[:-1], beats[1:], strict=True)])
    unit = chroma / (np.linalg.norm(chroma, axis=1) + 1e-12)[:, None]
    change[1:-1] = 1.0 - np.sum(unit[1:] * unit[:-1], axis=1)
    return change
