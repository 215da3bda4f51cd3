"""Listening: a take resolved into what it plays as, in one place, and what is kept of how it
was listened to (its loop, practice speed and pitch, its mix), its name, note and markers.

What a take plays as: its tracks with their files; the layers a looper left out (undone or
muted there) silent; a looper's take looping whole unless another loop was kept; the loop,
speed, pitch and levels kept from the last time it was listened to. Playback, the export, the
plugins and the command line all start from `sound`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mt_studio.core.domain import TrackKind
from mt_studio.core.library import layers, listening, sessions, takes
from mt_studio.core.library.listening import Listening, TrackLevel
from mt_studio.core.library.takes import Take, Track
from mt_studio.core.studio.events import TakeChanged

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio

__all__ = ["Listening", "SoundingTrack", "TakeSound", "TrackLevel"]


@dataclass(frozen=True)
class SoundingTrack:
    """A track of a take as it plays: its files in order (audio: the WAV parts; MIDI: the
    .mid file), and whether the looper left it out (silent unless brought back)."""

    track: Track
    files: tuple[Path, ...]
    left_out: bool = False

    @property
    def id(self) -> int:
        """The track's id."""
        return self.track.id

    @property
    def is_midi(self) -> bool:
        """True for a MIDI track (heard through the synthesizer)."""
        return self.track.kind is TrackKind.MIDI


@dataclass(frozen=True)
class TakeSound:
    """A take resolved for listening: TAKE, its TRACKS in order, the session's TEMPO, the
    LOOP it plays by default (a looper's take: the whole loop), and what was KEPT of how it
    was last listened to (None: nothing yet). FOLDER is the library's, where caches of the
    take's renders and practice versions live."""

    take: Take
    tracks: tuple[SoundingTrack, ...]
    folder: Path
    tempo_bpm: float | None = None
    loop: tuple[int, int] | None = None
    kept: Listening | None = None

    @property
    def samplerate(self) -> int:
        """Frames a second."""
        return self.take.samplerate

    @property
    def frames(self) -> int:
        """The take's length in frames."""
        return self.take.frames

    @property
    def audio(self) -> tuple[SoundingTrack, ...]:
        """The audio tracks."""
        return tuple(t for t in self.tracks if not t.is_midi)

    @property
    def midi(self) -> tuple[SoundingTrack, ...]:
        """The MIDI tracks."""
        return tuple(t for t in self.tracks if t.is_midi)

    @property
    def left_out(self) -> frozenset[int]:
        """The tracks (ids) the looper left out."""
        return frozenset(t.id for t in self.tracks if t.left_out)

    def sounding(self, levels: Mapping[int, TrackLevel] | None = None) -> tuple[int, ...]:
        """The tracks (ids) heard with LEVELS (default: as kept): not left out, not muted,
        and soloed if any is."""
        levels = levels if levels is not None else (self.kept.levels if self.kept else {})
        candidates = [t.id for t in self.tracks if not t.left_out]
        soloed = [i for i in candidates if levels.get(i, TrackLevel()).solo]
        return tuple(i for i in (soloed or candidates)
                     if not levels.get(i, TrackLevel()).muted)


class ListeningService:
    """What a therapist or participant does when listening to takes; TakeChanged is
    announced when a take is named, noted or marked."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def take(self, take_id: int) -> Take:
        """The take TAKE_ID; InputError if there is none."""
        with self._studio.reading() as db:
            return takes.get(db, take_id)

    def sound(self, take_id: int) -> TakeSound:
        """TAKE_ID resolved into what it plays as."""
        folder = self._studio.folder
        with self._studio.reading() as db:
            take = takes.get(db, take_id)
            silent = layers.left_out(db, take_id)
            is_loop = bool(layers.of_take(db, take_id))
            tracks = tuple(
                SoundingTrack(t, tuple(folder / f for f in (
                    takes.parts(db, t.id) if t.kind is TrackKind.AUDIO else [t.file])),
                    t.id in silent)
                for t in take.tracks)
            tempo = sessions.get(db, take.session_id).tempo_bpm
            kept = listening.of_take(db, take_id)
        loop = (0, take.frames) if is_loop and take.frames else None
        if kept is not None and kept.loop is not None:
            loop = kept.loop
        return TakeSound(take, tracks, folder, tempo, loop, kept)

    def keep(self, take_id: int, state: Listening) -> None:
        """Keep STATE as how TAKE_ID was left; InputError names what does not fit the take."""
        with self._studio.transaction() as tx:
            listening.keep(tx, take_id, state)

    def describe(self, take_id: int, name: str | None, note: str) -> Take:
        """Name a take (None or blank: called by its number) and give it a note."""
        with self._studio.transaction() as tx:
            take = takes.describe(tx, take_id, name, note)
            self._studio.announce(TakeChanged(take.id, take.session_id))
        return take

    def add_marker(self, take_id: int, frame: int, name: str = "") -> Take:
        """Mark FRAME of the take with NAME."""
        with self._studio.transaction() as tx:
            takes.add_marker(tx, take_id, frame, name)
            take = takes.get(tx, take_id)
            self._studio.announce(TakeChanged(take.id, take.session_id))
        return take
