"""Where a take's files are: the one place that decides (docs/architecture.md, "How a take
travels").

A library in a folder keeps its takes' files in that folder, from the first sample. A
service's library on a server records each take into this computer's spool first (never over
the network while it records), and the studio copies it to the audio store once it ends
(`take_mover.py`); until then its files are read from the spool here, and another computer
is told whose spool holds them. Everything that reads a take's files (`listening.resolve`,
the deletion's plan) asks here.

A take's files in the spool may still be read by something handed them before they were
copied (a player made before, an export under way): the spool keeps them until nothing in
this process holds what it was given, or the studio closes.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.library import ledger_chain, spools

if TYPE_CHECKING:
    from mt_studio.core.capture.spool import Spool
    from mt_studio.core.domain.sound import TakeSound
    from mt_studio.core.library import Library
    from mt_studio.core.studio.studio import Studio
    from mt_studio.core.studio.take_mover import TakeMover


class TakePlaces:
    """Where the files of LIBRARY's takes are, for every door to it: the audio store (the
    library's folder) and, for a service's library, this computer's spool of it."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._spool: Spool | None = None
        self._spool_lock = threading.Lock()  # taken inside the studio's lock, never around it
        self._readers: dict[int, weakref.WeakSet[TakeSound]] = {}
        self._readers_lock = threading.Lock()
        self.mover: TakeMover | None = None  # made when first needed (`mover_for`)
        self._mover_lock = threading.Lock()

    def mover_for(self, studio: Studio) -> TakeMover:
        """What copies the takes waiting in this computer's spool to the store, for every door
        to the library (made by STUDIO's first asking)."""
        from mt_studio.core.studio.take_mover import TakeMover

        with self._mover_lock:
            if self.mover is None:
                self.mover = TakeMover(studio)
            return self.mover

    def close(self) -> None:
        """The studio closes: the mover stops, the keys of the files here are forgotten."""
        from mt_studio.core.sealing import keyring

        if self.mover is not None:
            self.mover.stop()
        for folder in (self.store, self.forget_spool()):
            if folder is not None:
                keyring.uninstall(folder)

    @property
    def store(self) -> Path:
        """The library's folder: its audio store."""
        return self._library.folder

    def spool(self, db: Connection) -> Spool | None:
        """This computer's spool of the library (read through DB when first asked), or None
        for a library in a folder, which records into its own folder."""
        if not self._library.on_server:
            return None
        with self._spool_lock:
            if self._spool is None:
                self._spool = _find_spool(db)
            return self._spool

    def forget_spool(self) -> Path | None:
        """Find the spool again when next asked; the folder it was."""
        with self._spool_lock:
            before, self._spool = self._spool, None
        return before.folder if before is not None else None

    def identity_changed(self, db: Connection) -> Path | None:
        """The library has a new id (read through DB): this computer's spool of it takes its
        name; the folder it was."""
        from mt_studio.core.capture.spool import spool_folder

        before = self.forget_spool()
        if before is not None and before.exists():
            target = spool_folder(ledger_chain.library_id(db))
            if not target.exists():
                before.rename(target)
        return before

    def folders(self, db: Connection) -> list[Path]:
        """Every folder the library's takes' files may be in here: the store, then the spool."""
        spool = self.spool(db)
        return [self.store] if spool is None else [self.store, spool.folder]

    def for_recording(self, db: Connection) -> Path:
        """The folder a take is recorded into on this computer: the spool, or the library's."""
        spool = self.spool(db)
        return self.store if spool is None else spool.folder

    def note_recording(self, tx: Connection, take_id: int) -> Path:
        """Note in TX that the new take TAKE_ID records into this computer's spool (a service's
        library); the folder it records into."""
        spool = self.spool(tx)
        if spool is None:
            return self.store
        spools.mark(tx, take_id, spool.id, spool.computer)
        return spool.folder

    def where(self, db: Connection, take_id: int) -> tuple[Path, str | None]:
        """The folder TAKE_ID's files are read from here, and the computer whose spool holds
        them when that is another's (then they are not in the store yet), else None."""
        waiting = spools.of_take(db, take_id)
        if waiting is None:
            return self.store, None
        spool = self.spool(db)
        if spool is not None and waiting.spool == spool.id:
            return spool.folder, None
        return self.store, waiting.computer

    def note_reader(self, sound: TakeSound) -> None:
        """SOUND was handed out with files in the spool: they stay there while it is alive."""
        spool = self._spool
        if spool is None or sound.folder != spool.folder:
            return
        with self._readers_lock:
            self._readers.setdefault(sound.take.id, weakref.WeakSet()).add(sound)
        weakref.finalize(sound, self._reader_gone).atexit = False

    def _reader_gone(self) -> None:
        if self.mover is not None:
            self.mover.reader_gone()

    def in_use(self, take_id: int) -> bool:
        """Whether something in this process may still read TAKE_ID's files in the spool."""
        with self._readers_lock:
            readers = self._readers.get(take_id)
            if readers is not None and not readers:
                del self._readers[take_id]
            return bool(readers)


def _find_spool(db: Connection) -> Spool:
    """The spool of the library DB is of: named by its id; a spool of this computer's that
    holds takes of it under an id it had before (it was encrypted since) is taken over."""
    # Not loaded with the studio: a library in a folder has no spool.
    from mt_studio.core.capture.spool import open_spool, spool_folder, spool_id_in, spools_folder

    folder = spool_folder(ledger_chain.library_id(db))
    if not folder.exists() and spools_folder().is_dir():
        for other in sorted(spools_folder().iterdir()):
            spool_id = spool_id_in(other)
            if spool_id is not None and spools.holds(db, spool_id):
                other.rename(folder)
                break
    return open_spool(folder)
