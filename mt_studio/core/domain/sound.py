"""A take resolved into what it plays as: the value the studio hands the engines (playback,
practice versions, the export, what plugins hear), so that none of them reads the library."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mt_studio.core.domain import TrackKind
from mt_studio.core.domain.takes import Listening, Take, Track, TrackLevel


@dataclass(frozen=True)
class SoundingTrack:
    """A track of a take as it plays: its files in order (audio: the WAV parts; MIDI: the
    .mid file), whether the looper left it out (silent unless brought back), and the SHA-256
    each file was finalized with (None: kept before files were hashed; empty: none known)."""

    track: Track
    files: tuple[Path, ...]
    left_out: bool = False
    hashes: tuple[str | None, ...] = ()

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
    LOOP it plays as by itself (a looper's take: the whole loop; else None), and what was KEPT
    of how it was last listened to (None: nothing yet), its loop among it. FOLDER is the one
    the take's files are in (the library's, or this computer's spool while the take waits
    there to be copied to the store), where caches of its renders and practice versions live.
    SPOOLED_ON names the computer whose spool still holds the files, when it is another's:
    they are not in the store yet."""

    take: Take
    tracks: tuple[SoundingTrack, ...]
    folder: Path
    tempo_bpm: float | None = None
    loop: tuple[int, int] | None = None
    kept: Listening | None = None
    spooled_on: str | None = None

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
