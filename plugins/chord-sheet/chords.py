"""A chord for every bar: the bar's mean chroma matched against 24 triads by cosine similarity.

Bars come from the take's tempo and metre when the take knows them (the first bar starts at
frame 0, as it does for a take recorded to the metronome), otherwise from the beats heard (see
`_bar_starts`). With no steady beat heard (a pad, a choir, rubato piano) there are no bars to
find: the take is cut where notes start instead, and neighbouring stretches with the same chord
are joined, so each annotation is one chord however long it lasts. A bar quieter than
SILENCE_DB, or matching no triad better than MIN_SIMILARITY, is "N.C." (no chord).

Chroma is librosa's constant-Q chroma: on synthesized progressions with a melody and noise it
named every bar, where the STFT chroma named 97 % (tests/test_bundled_plugins.py).
"""

from __future__ import annotations

import numpy as np

from mt_studio.plugin_api import (
    ANALYSIS_RATE,
    ONSET_HOP,
    Annotation,
    Beats,
    Heard,
    TakeAudio,
    harmony_change,
    listen,
    track_beats,
)

# Spelled as lead sheets most often spell them, whatever the key.
MAJOR_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MINOR_NAMES = ("Cm", "C#m", "Dm", "Ebm", "Em", "Fm", "F#m", "Gm", "G#m", "Am", "Bbm", "Bm")
NO_CHORD = "N.C."
SILENCE_DB = -50.0
MIN_SIMILARITY = 0.5
MIN_BAR_BEATS = 0.5  # a stretch before the first bar or after the last, shorter: joined on
# Fewer bars than this whose halves hold chords of one root: the beats heard are slower than
# the music's, and fewer of them make a bar.
SAME_ROOT_BARS = 0.5
SLOWEST_BEAT_BPM = 40.0  # the slowest music's beat (largo): beats heard slower are not beats
MIN_BARS_TO_TELL = 4
MIN_SEGMENT_SECONDS = 0.3  # without a beat: notes starting closer than this are one stretch


def _templates() -> tuple[np.ndarray, tuple[str, ...]]:
    rows, names = [], []
    for third, labels in ((4, MAJOR_NAMES), (3, MINOR_NAMES)):
        for root in range(12):
            row = np.zeros(12)
            row[[root, (root + third) % 12, (root + 7) % 12]] = 1.0
            rows.append(row / np.linalg.norm(row))
            names.append(labels[root])
    return np.array(rows), tuple(names)


TEMPLATES, NAMES = _templates()


def name_chord(chroma: np.ndarray) -> tuple[str, float]:
    """The triad whose template is nearest CHROMA (12 values), and the cosine similarity;
    NO_CHORD when none is near."""
    norm = float(np.linalg.norm(chroma))
    if norm <= 0:
        return NO_CHORD, 0.0
    similarity = TEMPLATES @ (chroma / norm)
    best = int(np.argmax(similarity))
    if similarity[best] < MIN_SIMILARITY:
        return NO_CHORD, float(similarity[best])
    return NAMES[best], float(similarity[best])


def find_chords(audio: TakeAudio, progress=lambda _fraction: None) -> list[Annotation]:
    """A "chord" annotation for every bar of AUDIO (for every chord, with no beat heard)."""
    if audio.frames <= 0:
        return []
    heard = listen(audio, progress, share=0.9)
    per_bar = max(1, audio.beats_per_bar)
    if audio.tempo_bpm:
        beat = 60.0 * audio.samplerate / audio.tempo_bpm
        bar = beat * per_bar  # bars where the take has them, also in a part of it
        found = _label(heard, _spans(np.arange(audio.first_downbeat % bar, audio.frames, bar),
                                     beat, audio.frames))
    else:
        beats = track_beats(heard, None, per_bar)
        if beats is None:
            found = _joined(_label(heard, _spans(_note_starts(heard), 0.0, audio.frames)))
        else:
            found = _label(heard, _spans(_bar_starts(heard, beats, per_bar), beats.period,
                                         audio.frames))
    progress(1.0)
    return found


def _label(heard: Heard, spans: list[tuple[int, int]]) -> list[Annotation]:
    found = []
    floor = 10 ** (SILENCE_DB / 20)
    for start, end in spans:
        if heard.level(start, end) < floor:
            found.append(Annotation("chord", start, end, NO_CHORD, None))
        else:
            label, similarity = name_chord(heard.mean_chroma(start, end))
            found.append(Annotation("chord", start, end, label, round(similarity, 3)))
    return found


def _spans(starts: np.ndarray, beat: float, frames: int) -> list[tuple[int, int]]:
    """(start, end) frames from STARTS to the take's end, the first from frame 0: a stretch
    before the first start or after the last shorter than MIN_BAR_BEATS beats is joined on."""
    starts = np.maximum(np.asarray(starts, dtype=np.float64), 0.0)
    if not len(starts) or starts[0] >= max(1.0, MIN_BAR_BEATS * beat):
        starts = np.concatenate([[0.0], starts])
    starts[0] = 0.0
    edges = np.round(np.concatenate([starts, [frames]])).astype(np.int64)
    spans = [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]
    if len(spans) > 1 and spans[-1][1] - spans[-1][0] < MIN_BAR_BEATS * beat:
        spans[-2:] = [(spans[-2][0], spans[-1][1])]
    return spans


def _bar_starts(heard: Heard, beats: Beats, per_bar: int) -> np.ndarray:
    """Where bars begin: every PER_BAR-th beat heard, from the downbeat found.

    Music with few onsets besides its chords (a piano's half or whole notes) may have its
    beats heard only at every other beat or every chord. Fewer beats heard make a bar (half
    as many, then one) when PER_BAR of them would beat slower than SLOWEST_BEAT_BPM, or when
    most bars of them hold two chords, one in each half. The halves' chords are compared by
    their roots: a bass going to the fifth, a melody, or a piano dying away under the bass
    moves the chroma inside a bar, and may blur a chord's third, but leaves its root.
    """
    length, downbeat = per_bar, beats.downbeat
    while length > 1 and (beats.bpm * per_bar / length < SLOWEST_BEAT_BPM
                          or _same_root_share(heard, beats, length, downbeat) < SAME_ROOT_BARS):
        length = length // 2 if length % 2 == 0 else 1
        change = harmony_change(heard, beats.tracked)
        downbeat = int(np.argmax([change[p::length].mean() for p in range(length)]))
    return beats.downbeats(heard.frames, length, downbeat)


def _same_root_share(heard: Heard, beats: Beats, length: int, downbeat: int) -> float:
    """The share of bars of LENGTH beats (from DOWNBEAT) whose two halves hold chords of one
    root, among those whose halves both hold a chord; 1 when too few bars tell."""
    starts = beats.downbeats(heard.frames, length, downbeat)
    split = (length // 2) * beats.period
    same = []
    for start, end in zip(starts[:-1], starts[1:], strict=True):
        roots = [_root(heard, a, b) for a, b in ((start, start + split), (start + split, end))]
        if start >= 0 and None not in roots:
            same.append(roots[0] == roots[1])
    return float(np.mean(same)) if len(same) >= MIN_BARS_TO_TELL else 1.0


def _root(heard: Heard, start: float, end: float) -> int | None:
    """The pitch class of the root of the chord in take frames START..END; None for none."""
    if heard.level(start, end) < 10 ** (SILENCE_DB / 20):
        return None
    label, _similarity = name_chord(heard.mean_chroma(start, end))
    return None if label == NO_CHORD else NAMES.index(label) % 12


def _note_starts(heard: Heard) -> np.ndarray:
    """Take frames where notes start (peaks of the onset strength), at most one per
    MIN_SEGMENT_SECONDS."""
    import librosa

    envelope = heard.envelope.astype(np.float64)
    if not np.any(envelope > 0):
        return np.zeros(0)
    envelope = envelope / envelope.max()
    wait = max(1, round(MIN_SEGMENT_SECONDS * ANALYSIS_RATE / ONSET_HOP))
    peaks = librosa.util.peak_pick(envelope, pre_max=3, post_max=3, pre_avg=10, post_avg=10,
                                   delta=0.03, wait=wait)
    return heard.frame_of(peaks, ONSET_HOP)


def _joined(found: list[Annotation]) -> list[Annotation]:
    """FOUND with each run of the same chord made one annotation (the least similarity)."""
    joined: list[Annotation] = []
    for item in found:
        if joined and joined[-1].label == item.label:
            last = joined[-1]
            value = None if last.value is None or item.value is None else \
                min(last.value, item.value)
            joined[-1] = Annotation("chord", last.start, item.end, last.label, value)
        else:
            joined.append(item)
    return joined
