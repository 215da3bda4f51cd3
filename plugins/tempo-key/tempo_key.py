"""The tempo of a take (the beats heard, librosa's tracker with the tempo refined by a line
through them) and its key (Krumhansl-Schmuckler: the take's chroma correlated with the
Krumhansl-Kessler profile of each of the 24 keys)."""

from __future__ import annotations

import numpy as np

from mt_studio.plugin_api import Annotation, TakeAudio, listen, track_beats

# Krumhansl and Kessler's probe-tone ratings, from the tonic up.
MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
# Tonics spelled as key signatures most often spell them.
MAJOR_TONICS = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MINOR_TONICS = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")
SILENCE_RMS = 10 ** (-60 / 20)


def find_key(chroma: np.ndarray) -> tuple[str, float]:
    """The key whose profile correlates best with CHROMA (12 values), and that correlation."""
    best, label = -2.0, ""
    for profile, tonics, mode in ((MAJOR_PROFILE, MAJOR_TONICS, "major"),
                                  (MINOR_PROFILE, MINOR_TONICS, "minor")):
        for tonic in range(12):
            correlation = float(np.corrcoef(chroma, np.roll(profile, tonic))[0, 1])
            if correlation > best:
                best, label = correlation, f"{tonics[tonic]} {mode}"
    return label, best


def find_tempo_and_key(audio: TakeAudio, progress=lambda _fraction: None) -> list[Annotation]:
    """A "tempo" annotation (when a steady beat is heard) and a "key" one (when anything is)."""
    if audio.frames <= 0:
        return []
    heard = listen(audio, progress, share=0.9)
    found = []
    beats = track_beats(heard, None, audio.beats_per_bar)
    if beats is not None:
        bpm = round(beats.bpm, 2)
        found.append(Annotation("tempo", 0, audio.frames, f"{bpm:.0f} BPM", bpm))
    sounding = heard.rms >= SILENCE_RMS
    if np.any(sounding):
        chroma = heard.chroma[:, sounding].sum(axis=1)
        if np.ptp(chroma) > 0:
            label, correlation = find_key(chroma)
            found.append(Annotation("key", 0, audio.frames, label, round(correlation, 3)))
    progress(1.0)
    return found
