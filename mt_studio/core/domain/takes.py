"""A take as the studio keeps it: its tracks, markers and dropouts, a looper's layers, what
plugins found in it, and how it was last listened to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from mt_studio.core.domain import Dropout, TakeStatus, TrackKind, TrackPlan

MAX_NAME_LENGTH = 80
MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class Track:
    """One audio input or MIDI port of a take; FILE is relative to the library folder."""

    id: int
    take_id: int
    kind: TrackKind
    file: str
    input: int | None = None
    port: str | None = None
    isolated: bool = False
    instrument: str | None = None
    participant_ids: tuple[int, ...] = ()

    def plan(self) -> TrackPlan:
        """The track as the consent policy sees it."""
        return TrackPlan(f"track:{self.id}", frozenset(self.participant_ids), self.isolated)


@dataclass(frozen=True)
class Marker:
    """A named point in a take, in frames."""

    frame: int
    name: str = ""


@dataclass(frozen=True)
class Take:
    """One press of Record, or a looper's loop (IS_LOOP: its tracks are layers)."""

    id: int
    session_id: int
    number: int
    status: TakeStatus
    samplerate: int
    frames: int
    started_at: datetime
    ended_at: datetime | None = None
    sample_format: str | None = None
    device: str | None = None
    stop_reason: str | None = None
    tracks: tuple[Track, ...] = ()
    markers: tuple[Marker, ...] = ()
    dropouts: tuple[Dropout, ...] = ()
    name: str | None = None
    note: str = ""
    is_loop: bool = False


@dataclass(frozen=True)
class Layer:
    """One overdub: its track, its place in the order, and how it sounds in the loop."""

    track_id: int
    number: int
    latency: int
    muted: bool
    undone: bool

    @property
    def audible(self) -> bool:
        """Whether the loop plays it."""
        return not (self.muted or self.undone)


@dataclass(frozen=True)
class TrackLevel:
    """One track's place in the mix: gain in dB, pan from -1 (left) to 1 (right)."""

    gain_db: float = 0.0
    pan: float = 0.0
    muted: bool = False
    solo: bool = False


@dataclass(frozen=True)
class Listening:
    """A take as it is listened to: LOOP (start, end) in frames, whether it loops, the
    practice SPEED (1.0 as recorded) and SEMITONES, and LEVELS by track id."""

    loop: tuple[int, int] | None = None
    looping: bool = False
    speed: float = 1.0
    semitones: int = 0
    levels: Mapping[int, TrackLevel] = field(default_factory=dict)


@dataclass(frozen=True)
class Annotation:
    """Something an analysis found in a take: a chord, a tempo, a key, a section.

    START and END are frames of the take (END None: a point); LABEL is what is shown.
    """

    kind: str
    start: int
    end: int | None
    label: str
    value: float | None = None


@dataclass(frozen=True)
class StoredAnnotation:
    """An annotation with the plugin and analysis that found it."""

    plugin_id: str
    analysis_id: str
    annotation: Annotation


@dataclass(frozen=True)
class WaitingTake:
    """A take of a service's library whose files wait in COMPUTER's spool to be copied to the
    audio store: HERE, this computer's; PROBLEM, why the last try here did not copy it."""

    take_id: int
    session_id: int
    number: int
    computer: str
    here: bool
    problem: str = ""
