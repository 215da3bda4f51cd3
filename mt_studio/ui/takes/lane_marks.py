"""What a take's lanes show: a lane per track (named as `lane_for` names it), and what is
marked across them (markers, dropouts) or in them (MIDI notes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mt_studio.core.domain import TrackKind
from mt_studio.core.domain.takes import Track
from mt_studio.ui.common.take_words import track_title


@dataclass(frozen=True)
class Lane:
    """What one lane shows: its track, its title (the instrument) and who is heard on it."""

    track_id: int
    title: str
    people: str
    audio: bool = True


def lane_for(track: Track, names: Mapping[int, str]) -> Lane:
    """How a track shows in its lane: the instrument (or the input) and who is heard on it."""
    people = ", ".join(sorted((names.get(pid, "?") for pid in track.participant_ids),
                              key=str.casefold))
    return Lane(track.id, track_title(track), people, audio=track.kind is TrackKind.AUDIO)


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
