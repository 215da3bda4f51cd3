"""A therapy session as the studio keeps it: its details, who was present, its inputs."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from mt_studio.core.domain import Participant, SessionKind


class _Unchanged(enum.Enum):
    KEEP = "keep"


KEEP = _Unchanged.KEEP
"""The default of every field an edit is not asked to change."""


@dataclass(frozen=True)
class SessionInput:
    """An input of the audio interface as the session lays it out; PLAYERS (participant ids,
    sorted) play or sing into it (none: a microphone that hears the whole room)."""

    number: int
    label: str
    isolated: bool = False
    armed: bool = True
    players: tuple[int, ...] = ()


@dataclass(frozen=True)
class Session:
    """A therapy session and who was present."""

    id: int
    title: str
    kind: SessionKind
    date: date
    therapist: str | None = None
    notes: str = ""
    template: str | None = None
    tempo_bpm: float | None = None
    count_in_bars: int = 0
    participants: tuple[Participant, ...] = ()
    inputs: tuple[SessionInput, ...] = field(default_factory=tuple)
    take_count: int = 0
    midi_port: str | None = None  # the MIDI keyboard's port, by name
    midi_players: tuple[int, ...] = ()  # who plays it (participant ids, sorted)
    group_id: int | None = None  # the band or choir whose session it is
