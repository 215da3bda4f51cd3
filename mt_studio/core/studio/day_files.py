"""A library for the day's takes written into this computer's spool under the new ids they got
in the service's library (docs/architecture.md, "When the server cannot be reached"): sealed
again with each new take's key, since a seal names its file and take, and never plain on the
disk; from the spool the store mover copies them to the share, checked."""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from mt_studio.core.capture.take_capture import try_hold_lock
from mt_studio.core.durable_files import replaced_atomically, sync_folder
from mt_studio.core.errors import LibraryError
from mt_studio.core.library import Library, day_kit, take_keys, takes
from mt_studio.core.studio import encryption
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio

_BLOCK = 1 << 20


def write_files(studio: Studio, day: Library, folder: Path, made: list[day_kit.DayTake],
                 day_id: str) -> None:
    """Write each moved take's files into this computer's spool under their new names:
    sealed again with the new take's key in an encrypted library (never plain on the disk),
    copied as they are in a plain one; each durable before the day library goes."""
    with studio._reading() as db:
        moved = day_kit.takes_moved(db, day_id)
        spool = studio._shared.places.spool(db)
    library_key = studio._shared.library_key
    for take_made in made:
        take_id = moved[take_made.id]
        target_folder = spool.folder / takes.take_folder(take_id)
        target_folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with ExitStack() as held:
            lock = try_hold_lock(target_folder)
            if lock is False:
                raise LibraryError(_("Take {take} is held by another mt_studio on this "
                                     "computer; try again once it has closed.").format(
                                         take=take_id))
            if isinstance(lock, int):
                held.callback(os.close, lock)
            with studio._reading() as db:
                new_parts = [part for track in takes.get(db, take_id).tracks
                             for part, _sha in takes.hashed_parts(db, track.id)]
            old_parts = [file for track in take_made.tracks
                         for file in ([part[3] for part in track.parts] or [track.row[4]])]
            old_key = new_key = None
            if library_key is not None:
                new_key = encryption.take_key(studio, take_id)
            if library_key is not None and day.keys is not None:
                with day.snapshot() as db:
                    old_key = _unwrapped(library_key, take_made.id, take_keys.get(db,
                                                                                 take_made.id))
            for old, new in zip(old_parts, new_parts, strict=True):
                write_file(folder / old, old, spool.folder / new, new, take_id,
                            old_key, new_key)
        sync_folder(target_folder)


def _unwrapped(library_key: bytes, take_id: int, wrapped: bytes | None) -> bytes:
    from mt_studio.core.sealing.keys import unwrap_take_key

    if wrapped is None:
        raise LibraryError(_("Take {take} of the library for the day has no key; it was not "
                             "moved in.").format(take=take_id))
    return unwrap_take_key(library_key, take_id, wrapped)


def write_file(source: Path, source_name: str, target: Path, target_name: str,
                take_id: int, old_key: bytes | None, new_key: bytes | None) -> None:
    """SOURCE (named SOURCE_NAME in the day library) as TARGET, durable: sealed again with
    NEW_KEY under TARGET_NAME, copied as it is (a plain library), or sealed once copied (a
    day library made before the service's library was encrypted)."""
    if not source.is_file():
        raise LibraryError(_("{file} of the library for the day is missing; nothing more was "
                             "moved.").format(file=source))
    if old_key is None:
        with replaced_atomically(target) as out, source.open("rb") as plain:
            shutil.copyfileobj(plain, out, _BLOCK)
        if new_key is not None:
            from mt_studio.core.studio.file_sealing import seal_file_in_place

            left_plain = seal_file_in_place(target, new_key, target_name, take_id)
            if left_plain is not None:
                raise LibraryError(_("{file} could not be sealed: {reason}").format(
                    file=source, reason=left_plain))
        return
    from mt_studio.core.sealing.stream import SealedReader, SealedWriter

    temporary = target.with_name(f".{target.name}.sealing")
    temporary.unlink(missing_ok=True)
    with SealedReader(source, old_key, source_name) as reader:
        writer = SealedWriter(temporary, new_key, target_name, take_id, reader.meta)
        try:
            for offset in range(0, reader.size, _BLOCK):
                writer.write(reader.read_at(offset, _BLOCK))
            writer.finish()
        except BaseException:
            writer.close()
            temporary.unlink(missing_ok=True)
            raise
    os.replace(temporary, target)
