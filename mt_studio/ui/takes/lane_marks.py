"""What a take's lanes show: a lane per track, and what is marked across them (markers,
dropouts) or in them (MIDI notes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lane:
    """What one lane shows: its track, its title (the instrument) and who is heard on it."""

    track_id: int
    title: str
    people: str
    audio: bool = True


@dataclass(frozen=True)
class Span:
    """A stretch of the take in frames (a dropout, filled with silence)."""

    frame: int
    length: int


@dataclass(frozen=True)
class Note:
    """A MIDI note in a lane: where it starts and how long it sounds (frames), and its pitch."""

    frame: int
    length: int
    pitch: int


@dataclass(frozen=True)
class Mark:
    """A named point of the take in frames."""

    frame: int
    name: str
