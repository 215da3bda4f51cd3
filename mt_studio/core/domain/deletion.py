"""What a deletion takes away, shown before it goes and reported after: files with their sizes,
the rows, the takes and songs touched, and the exports to recall."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from mt_studio.core.domain.withdrawal import TouchedExport, TouchedLeadSheet, TouchedTake

MAX_REASON_LENGTH = 500  # the characters a deletion's reason may have


class Deleted(enum.StrEnum):
    """What is deleted: a take, a song, or a person erased."""

    TAKE = "take"
    SONG = "song"
    PARTICIPANT = "participant"


@dataclass(frozen=True)
class FileToRemove:
    """A file in the library that goes: its library-relative PATH and size in BYTES."""

    path: str
    bytes: int


@dataclass(frozen=True)
class SongTouched:
    """A song a deletion touches: deleted, unlinked from a take, or kept without a writer."""

    song_id: int
    title: str


@dataclass(frozen=True)
class DeletionPlan:
    """Exactly what deleting SUBJECT_ID (a take, a song or a participant) removes and what it
    leaves to do: `files` and `rows` go; `takes` go whole and `tracks` alone; `songs_deleted`
    go, `songs_unlinked` lose their link to a take, `songs_kept` keep their words without the
    person erased as a writer; `exports_to_recall` and `lead_sheets` were given out already.
    For a person, `ledger_rows` consent rows are kept under the tombstone, `name_written` says
    where their real name is blotted out, `name_kept` the append-only rows that keep it as
    written, and `backups` the library's older copies that still hold them."""

    kind: Deleted
    subject_id: int
    subject: str  # how the window and the command name it: "take 3 of Tuesday band", a title
    files: tuple[FileToRemove, ...] = ()
    rows: tuple[tuple[str, int], ...] = ()
    takes: tuple[TouchedTake, ...] = ()
    tracks: tuple[tuple[int, int], ...] = ()  # (take id, track id) deleted alone
    songs_deleted: tuple[SongTouched, ...] = ()
    songs_unlinked: tuple[SongTouched, ...] = ()
    songs_kept: tuple[SongTouched, ...] = ()
    exports_to_recall: tuple[TouchedExport, ...] = ()
    lead_sheets: tuple[TouchedLeadSheet, ...] = ()
    ledger_rows: int = 0
    name_written: tuple[tuple[str, int], ...] = ()
    name_kept: tuple[tuple[str, int], ...] = ()
    backups: tuple[str, ...] = ()

    @property
    def bytes(self) -> int:
        """The size of every file that goes."""
        return sum(file.bytes for file in self.files)
