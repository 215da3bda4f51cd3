"""A take's sound for plugins: a mono mix of its audio tracks over a region, read on demand,
from the take as the studio resolved it (the engine never reads the library)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from mt_studio.core.domain.sound import TakeSound
from mt_studio.core.domain.takes import Marker
from mt_studio.core.plugins.extensions import TakeAudio
from mt_studio.core.waveform import TrackReader


@contextmanager
def audio_of(sound: TakeSound, start: int = 0, end: int | None = None) -> Iterator[TakeAudio]:
    """TakeAudio of what SOUND plays as (its audio tracks the looper did not leave out, mixed
    to mono) from START to END, with the session's tempo and the take's markers; the files are
    read as the plugin reads, and closed on leaving."""
    sources = [list(t.files) for t in sound.audio if not t.left_out]
    last = sound.frames if end is None else min(end, sound.frames)
    with sound_of(sources, sound.samplerate, start, last, sound.tempo_bpm,
                  sound.take.markers) as audio:
        yield audio


@contextmanager
def sound_of(sources: Sequence[Sequence[Path]], samplerate: int, start: int, end: int,
             tempo_bpm: float | None = None, markers: Sequence[Marker] = ()
             ) -> Iterator[TakeAudio]:
    """TakeAudio of the tracks whose files are SOURCES, from START to END (counted from 0
    there), the average of the tracks; the files are closed on leaving."""
    readers = [TrackReader(paths, start) for paths in sources]

    def read(first: int, last: int) -> np.ndarray:
        first, last = max(0, first), min(last, end - start)
        out = np.zeros(max(0, last - first), np.float32)
        if not readers or last <= first:
            return out
        row = np.empty_like(out)
        for reader in readers:
            if reader.position != start + first:
                reader.seek(start + first)
            out += reader.read(last - first, row)
        return out / len(readers)

    inside = tuple((m.frame - start, m.name) for m in markers if start <= m.frame < end)
    downbeat = 0
    if tempo_bpm:  # the take's bars start at its frame 0
        bar = 4 * 60.0 * samplerate / tempo_bpm
        downbeat = round(-start % bar) % max(1, round(bar))
    try:
        yield TakeAudio(samplerate, end - start, read, tempo_bpm, 4, inside, downbeat)
    finally:
        for reader in readers:
            reader.close()
