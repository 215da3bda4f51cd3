"""What plugins add, by extension point: analyses, effects and exporters, and what they see.

A plugin is never handed the library: an analysis gets a take's sound (`TakeAudio`), an effect
gets blocks of samples, an exporter gets what the export already carries (`ExportContext`,
without marker names), so a well-meaning plugin never meets a person's name or a take nobody
consented to share. (It runs in mt_studio's process: it is trusted, not sandboxed.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from mt_studio.core.domain.takes import Annotation  # found in a take: kept with it
from mt_studio.i18n import current_language


@dataclass(frozen=True)
class TakeAudio:
    """A take's sound as an analysis sees it: a mono mix of its audio tracks, read in blocks.

    `read(start, stop)` gives float32 samples; `blocks(size)` walks the whole take. Nothing
    about who played is included. For a part of a take (an export's region), frame 0 is the
    part's start and FIRST_DOWNBEAT is where the take's bar grid (at TEMPO_BPM) has a
    downbeat, so that bars stay where they are in the take.
    """

    samplerate: int
    frames: int
    read: Callable[[int, int], np.ndarray]
    tempo_bpm: float | None = None
    beats_per_bar: int = 4
    markers: tuple[tuple[int, str], ...] = ()
    first_downbeat: int = 0

    def blocks(self, size: int = 1 << 16) -> Iterator[tuple[int, np.ndarray]]:
        """(first frame, samples) blocks from the start to the end."""
        for start in range(0, self.frames, size):
            yield start, self.read(start, min(self.frames, start + size))


class _Named:
    """A name and description, with translations by language code ({"nb": "Akkorder"})."""

    name: str
    description: str
    names: Mapping[str, str]
    descriptions: Mapping[str, str]

    @property
    def shown_name(self) -> str:
        """The name in the user's language when the plugin gives one."""
        return self.names.get(current_language(), self.name)

    @property
    def shown_description(self) -> str:
        """The description in the user's language when the plugin gives one."""
        return self.descriptions.get(current_language(), self.description)


@dataclass(frozen=True)
class Analysis(_Named):
    """An analysis: RUN(take, progress) gives annotations; progress(0..1) may be called."""

    id: str
    name: str
    run: Callable[[TakeAudio, Callable[[float], None]], Sequence[Annotation]]
    description: str = ""
    names: Mapping[str, str] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)


class Processor(Protocol):
    """A block processor: PROCESS((frames, channels) float32) -> the same shape."""

    def process(self, block: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Effect(_Named):
    """An effect: MAKE(samplerate, channels) gives a fresh Processor for one stream."""

    id: str
    name: str
    make: Callable[[int, int], Processor]
    description: str = ""
    names: Mapping[str, str] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportContext:
    """What an exporter may use: the export's own folder, title, credits, shared lyrics, the
    exported sound (its region only) and the take's annotations within it (frames from 0)."""

    folder: Path
    title: str
    credits: tuple[str, ...]
    lyrics: str | None
    audio: TakeAudio
    annotations: tuple[Annotation, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Exporter(_Named):
    """An exporter: WRITE(context) adds files to an export's folder and returns their names."""

    id: str
    name: str
    write: Callable[[ExportContext], Sequence[str]]
    description: str = ""
    names: Mapping[str, str] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)
