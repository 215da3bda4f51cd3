"""Songs: their writers, words and notes in versions, the takes they were played in, and lines
stamped with a place in a take. SongChanged is announced after every change."""

from __future__ import annotations

from collections.abc import Sequence
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.domain import Participant
from mt_studio.core.library import participants, songs
from mt_studio.core.library.songs import (
    MAX_FILE_BYTES,
    LyricStamp,
    Song,
    SongVersion,
    carried_lines,
    clean_text,
    decode_text,
    lines,
    read_text,
)
from mt_studio.core.studio.events import SongChanged

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio

__all__ = ["MAX_FILE_BYTES", "LyricStamp", "Song", "SongService", "SongVersion", "carried_lines",
           "clean_text", "decode_text", "lines", "read_text"]


class SongService:
    """What participants and therapists do with songs."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def all(self) -> list[Song]:
        """Every song, by title."""
        with self._studio._reading() as db:
            return songs.all_songs(db)

    def for_session(self, session_id: int) -> list[Song]:
        """The songs played in the session's takes, or written by someone present."""
        with self._studio._reading() as db:
            return songs.for_session(db, session_id)

    def for_take(self, take_id: int) -> list[Song]:
        """The songs a take is linked to."""
        with self._studio._reading() as db:
            return songs.for_take(db, take_id)

    def get(self, song_id: int) -> Song:
        """The song SONG_ID with its latest version; InputError if there is none."""
        with self._studio._reading() as db:
            return songs.get(db, song_id)

    def versions(self, song_id: int) -> list[SongVersion]:
        """Every version of the song's words and notes, first saved first."""
        with self._studio._reading() as db:
            return songs.versions(db, song_id)

    def version(self, song_id: int, number: int) -> SongVersion:
        """Version NUMBER of the song; InputError if there is none."""
        with self._studio._reading() as db:
            return songs.version(db, song_id, number)

    def create(self, title: str, writer_ids: Sequence[int] = (), lyrics: str = "",
               notes: str = "") -> Song:
        """A new song with its first version; InputError names a field that does not fit."""
        with self._studio._transaction() as tx:
            song = songs.create(tx, title, _writers(tx, writer_ids), lyrics, notes)
            self._studio._announce(SongChanged(song.id))
        return song

    def rename(self, song_id: int, title: str) -> Song:
        """Give the song a new title."""
        with self._studio._transaction() as tx:
            song = songs.rename(tx, song_id, title)
            self._studio._announce(SongChanged(song_id))
        return song

    def set_writers(self, song_id: int, writer_ids: Sequence[int]) -> Song:
        """Make WRITER_IDS the song's writers."""
        with self._studio._transaction() as tx:
            song = songs.set_writers(tx, song_id, _writers(tx, writer_ids))
            self._studio._announce(SongChanged(song_id))
        return song

    def edit(self, song_id: int, title: str, writer_ids: Sequence[int]) -> Song:
        """Give the song TITLE and WRITER_IDS as its writers, both or neither."""
        with self._studio._transaction() as tx:
            songs.rename(tx, song_id, title)
            song = songs.set_writers(tx, song_id, _writers(tx, writer_ids))
            self._studio._announce(SongChanged(song_id))
        return song

    def save(self, song_id: int, lyrics: str | None, notes: str | None = None) -> SongVersion:
        """Save the words and notes as a new version when they changed (None: unchanged)."""
        with self._studio._transaction() as tx:
            version = songs.save(tx, song_id, lyrics, notes)
            self._studio._announce(SongChanged(song_id))
        return version

    def link_take(self, song_id: int, take_id: int) -> bool:
        """Link a take to the song; False if it already was."""
        with self._studio._transaction() as tx:
            linked = songs.link_take(tx, song_id, take_id)
            self._studio._announce(SongChanged(song_id))
        return linked

    def unlink_take(self, song_id: int, take_id: int) -> bool:
        """Unlink a take from the song (its stamps in the latest version go too)."""
        with self._studio._transaction() as tx:
            unlinked = songs.unlink_take(tx, song_id, take_id)
            self._studio._announce(SongChanged(song_id))
        return unlinked

    def stamp(self, version_id: int, line: int, take_id: int, frame: int) -> LyricStamp:
        """Stamp LINE of the latest version with FRAME in a take (linking the take)."""
        with self._studio._transaction() as tx:
            stamped = songs.stamp(tx, version_id, line, take_id, frame)
            self._studio._announce(SongChanged(songs.song_of_version(tx, version_id)))
        return stamped


def _writers(db: Connection, writer_ids: Sequence[int]) -> list[Participant]:
    return [participants.get(db, participant_id) for participant_id in dict.fromkeys(writer_ids)]
