"""A song being written: its writers, its words and notes in versions, lines stamped in takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mt_studio.core.domain import Participant


@dataclass(frozen=True)
class LyricStamp:
    """A line of a version's lyrics (counted from 0) stamped with a position in a take."""

    line: int
    take_id: int
    frame: int


@dataclass(frozen=True)
class SongVersion:
    """One saved state of a song's words and notes, with the stamps on its lines."""

    id: int
    song_id: int
    number: int
    lyrics: str
    notes: str
    created_at: datetime
    stamps: tuple[LyricStamp, ...] = ()


@dataclass(frozen=True)
class Song:
    """A song: its title, who writes it, its latest version and the takes it was played in."""

    id: int
    title: str
    created_at: datetime
    writers: tuple[Participant, ...]
    latest: SongVersion
    take_ids: tuple[int, ...] = ()

    @property
    def writer_ids(self) -> tuple[int, ...]:
        """The writers' participant ids."""
        return tuple(p.id for p in self.writers)
