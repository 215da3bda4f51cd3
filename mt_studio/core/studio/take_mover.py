"""Takes recorded on this computer copied from its spool to the service's audio store
(docs/architecture.md, "How a take travels"), in a worker thread of the studio's, never in
the audio path.

A take is copied once it ends (kept after Stop, recovered after a crash, its looper done),
file by file, each fsync'd and checked in the store (`capture/take_move.py`); only then is it
marked as in the store, in one transaction, and announced (its files are read from the store
from now on); only then does the spool let go of its copy. A take is never taken from the
spool while a live process holds it (its lock, as recording and recovery use it): one being
recorded or looped, or moved by another process here. A move cut short (a kill, the share
gone) is taken up at the next pass: when mt_studio opens the library here again
(`recording.recover`, the window at its start), and every RETRY_SECONDS while the window
waits for the share. A take deleted meanwhile (here or on another computer) leaves nothing
behind, in the store or the spool.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.capture.journal import JOURNAL_NAME
from mt_studio.core.capture.spool import Spool
from mt_studio.core.capture.take_capture import try_hold_lock
from mt_studio.core.capture.take_move import FileToMove, MoveCancelled, move_files
from mt_studio.core.capture.wav_stream import SampleFormat
from mt_studio.core.domain import TakeStatus, TrackKind
from mt_studio.core.domain.takes import Take
from mt_studio.core.errors import MtStudioError
from mt_studio.core.library import ids, removals, spools, takes
from mt_studio.core.studio.deletion_files import files_left, files_of
from mt_studio.core.studio.events import TakeChanged
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio

log = logging.getLogger(__name__)

RETRY_SECONDS = 60.0  # while a take waits (the share gone, a take held), it is tried again


@dataclass(frozen=True)
class StoreMove:
    """What one pass did with TAKE_ID (of SESSION_ID, its NUMBER there): MOVED to the store,
    or still waiting in this computer's spool, and why (PROBLEM: something to fix; empty: it
    is held by a live process, being recorded or looped)."""

    take_id: int
    session_id: int
    number: int
    moved: bool
    problem: str = ""


class TakeMover:
    """Copies the takes of STUDIO's library that wait in this computer's spool to the store:
    `move_waiting()` in the caller's thread, `wake()` in a worker thread of its own (kept
    until `stop()`, trying again while a take waits)."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio
        self._places = studio._shared.places
        self._moving = threading.Lock()  # one pass at a time in this process
        self._cancel = threading.Event()
        self._stopping = threading.Event()
        self._wanted = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self._let_go_later: set[int] = set()  # in the store, but something here reads them
        self.problems: dict[int, str] = {}  # why a take still waits, after the last pass

    def wake(self) -> None:
        """Have the worker thread make a pass soon (started if it is not running)."""
        with self._thread_lock:
            if self._stopping.is_set():
                return
            self._wanted.set()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="mt-studio-store",
                                                daemon=True)
                self._thread.start()

    def reader_gone(self) -> None:
        """Something handed a take's files in the spool is gone: let go of them if they are
        in the store now."""
        if self._let_go_later:
            self.wake()

    def stop(self) -> None:
        """Stop the worker (a file being copied is given up, to be copied again next time)
        and let go of the spool's copies that waited only for their readers."""
        with self._thread_lock:
            self._stopping.set()
            self._wanted.set()
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._moving:
            spool = self._spool()
            for take_id in sorted(self._let_go_later):
                self._remove_spool_copy(spool, take_id)
            self._let_go_later.clear()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No take is moved meanwhile (one being moved is given up first): for a deletion."""
        self._cancel.set()
        with self._moving:
            self._cancel.clear()
            yield
        if self._thread is not None:
            self.wake()

    def move_waiting(self) -> list[StoreMove]:
        """Copy every take waiting in this computer's spool to the store, checked, and let the
        spool go of it; settle what a pass cut short left; what became of each take."""
        with self._moving:
            spool = self._spool()
            if spool is None:
                return []
            for take_id in sorted(self._let_go_later):
                self._let_go(spool, take_id)
            with self._studio._reading() as db:
                listed = {t.take_id for t in spools.waiting(db) if t.spool == spool.id}
            moves = []
            for take_id in sorted((listed | _take_folders(spool.folder)) - self._let_go_later):
                if self._cancelled():
                    break
                move = self._settle(spool, take_id)
                if move is not None:
                    moves.append(move)
            self.problems = {m.take_id: m.problem for m in moves if m.problem}
            return moves

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wanted.clear()
            waiting = True
            try:
                waiting = any(not m.moved for m in self.move_waiting()) or bool(
                    self._let_go_later)
            except Exception:  # a pass that failed is made again; the spool keeps everything
                log.exception("takes not copied to the store")
            self._wanted.wait(RETRY_SECONDS if waiting else None)

    def _cancelled(self) -> bool:
        return self._cancel.is_set() or self._stopping.is_set()

    def _spool(self) -> Spool | None:
        with self._studio._reading() as db:
            return self._places.spool(db)

    def _settle(self, spool: Spool, take_id: int) -> StoreMove | None:
        """Move TAKE_ID if it waits in SPOOL; let go of what a pass cut short left of it."""
        with self._studio._reading() as db:
            waiting = spools.of_take(db, take_id)
            take = takes.get(db, take_id) if _exists(db, take_id) else None
            gone = take is None and take_id < ids.next_id(db, "takes")
        if take is None and not gone:
            return None  # not made yet: another process here is making it
        if waiting is not None and waiting.spool != spool.id:
            return None  # another computer's
        held = try_hold_lock(spool.folder / takes.take_folder(take_id))
        if held is False:  # a live process holds it: recording, looping, moving it
            return StoreMove(take_id, take.session_id, take.number, False) if take else None
        try:
            if gone:  # deleted: nothing of it is kept, here or in the store
                self._remove_store_copy(take_id)
                self._remove_spool_copy(spool, take_id)
                return None
            return self._move(spool, take, waiting is not None)
        finally:
            if isinstance(held, int):
                os.close(held)

    def _move(self, spool: Spool, take: Take, waiting: bool) -> StoreMove | None:
        """Copy TAKE's files to the store and check them there; mark it moved if it is WAITING
        (else it was, and its spool copy was left behind); then let the spool go of them."""
        def still_waiting(problem: str) -> StoreMove:
            return StoreMove(take.id, take.session_id, take.number, False, problem)

        if take.status is TakeStatus.RECORDING:  # `recording.recover()` repairs it first
            return still_waiting(_("it waits to be recovered after a crash"))
        try:
            with self._studio._reading() as db:
                files = _files(db, spool.folder, take.id)
            if not waiting:  # what a removal cut short left in the spool: checked in the store
                files = [f for f in files if (spool.folder / f.name).is_file()]
            move_files(spool.folder, self._places.store, files, take.samplerate,
                       SampleFormat(take.sample_format or SampleFormat.PCM24), self._cancelled)
        except MoveCancelled:
            return still_waiting("")
        except MtStudioError as error:
            log.warning("take %d not copied to the store: %s", take.id, error)
            return still_waiting(str(error))
        if waiting and not self._mark_moved(take.id):
            self._remove_store_copy(take.id)  # deleted while it was copied
            self._remove_spool_copy(spool, take.id)
            return None
        log.info("take %d copied to the store and checked", take.id)
        self._let_go(spool, take.id)
        return StoreMove(take.id, take.session_id, take.number, True)

    def _mark_moved(self, take_id: int) -> bool:
        """Mark TAKE_ID as in the store and announce it; False if it was deleted meanwhile."""
        with self._studio._transaction(actor=None, bookkeeping=True) as tx:
            if not _exists(tx, take_id):
                return False
            spools.clear(tx, take_id)
            self._studio._announce(TakeChanged(take_id, takes.get(tx, take_id).session_id))
        return True

    def _let_go(self, spool: Spool, take_id: int) -> None:
        """Remove the spool's copy of TAKE_ID (in the store now), or once nothing reads it."""
        if self._places.in_use(take_id):
            self._let_go_later.add(take_id)
            return
        self._let_go_later.discard(take_id)
        self._remove_spool_copy(spool, take_id)

    def _remove_spool_copy(self, spool: Spool | None, take_id: int) -> None:
        if spool is None:
            return
        with self._studio._reading() as db:
            found = (files_of(spool.folder, db, take_id) if _exists(db, take_id)
                     else files_left(spool.folder, take_id))
        removals.remove(spool.folder, [*(f.path for f in found), takes.take_folder(take_id)])

    def _remove_store_copy(self, take_id: int) -> None:
        removals.remove(self._places.store, [takes.take_folder(take_id)])


def _take_folders(spool: Path) -> set[int]:
    """The takes with a folder in the spool."""
    audio = spool / "audio"
    return {int(p.name.removeprefix("take-")) for p in audio.glob("take-*")
            if p.is_dir() and p.name.removeprefix("take-").isdigit()} if audio.is_dir() else set()


def _exists(db: Connection, take_id: int) -> bool:
    return db.execute("SELECT 1 FROM takes WHERE id = ?", (take_id,)).fetchone() is not None


def _files(db: Connection, spool: Path, take_id: int) -> list[FileToMove]:
    """The files of TAKE_ID to copy to the store: every part of its tracks, checked by its
    hash, then its journal and MIDI logs if it has any; nothing else found in its folder."""
    take = takes.get(db, take_id)
    files = [FileToMove(name, sha256, track.kind is TrackKind.AUDIO)
             for track in take.tracks for name, sha256 in takes.hashed_parts(db, track.id)
             if sha256 is not None or (spool / name).is_file()]  # recovered with nothing
    others = [str(PurePosixPath(takes.take_folder(take_id), JOURNAL_NAME))]
    others += [str(PurePosixPath(t.file).with_suffix(".midilog")) for t in take.tracks
               if t.kind is TrackKind.MIDI]
    return files + [FileToMove(name) for name in others if (spool / name).is_file()]
