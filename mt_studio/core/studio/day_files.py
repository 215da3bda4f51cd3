"""A library for the day's takes written into this computer's spool under the new ids they got
in the service's library (docs/architecture.md, "When the server cannot be reached"): sealed
again with each new take's key, since a seal names its file and take, and never plain on the
disk; from the spool the store mover copies them to the share, checked."""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from pathlib import Path

from mt_studio.core.capture.take_capture import try_hold_lock
from mt_studio.core.durable_files import replaced_atomically, sync_folder
from mt_studio.core.errors import LibraryError
from mt_studio.core.library import Library, take_keys, takes
from mt_studio.core.studio.day_move import TakeFiles
from mt_studio.i18n import _

_BLOCK = 1 << 20


def write_files(spool: Path, day: Library, folder: Path, files: list[TakeFiles],
                library_key: bytes | None) -> None:
    """Write each moved take's FILES from the day library DAY (in FOLDER) into the SPOOL
    folder under their new names: sealed again with the new take's key in an encrypted
    library (never plain on the disk), copied as they are in a plain one; each durable before
    the day library goes. Nothing here asks the service's server: a move whose rows went in
    just before the server was lost again finishes all the same."""
    for take in files:
        target_folder = spool / takes.take_folder(take.take_id)
        target_folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with ExitStack() as held:
            lock = try_hold_lock(target_folder)
            if lock is False:
                raise LibraryError(_("Take {take} is held by another mt_studio on this "
                                     "computer; try again once it has closed.").format(
                                         take=take.take_id))
            if isinstance(lock, int):
                held.callback(os.close, lock)
            old_key = None
            if library_key is not None and day.keys is not None:
                with day.snapshot() as db:
                    old_key = _unwrapped(library_key, take.day_take,
                                         take_keys.get(db, take.day_take))
            for old, new, hashed in take.names:
                if not hashed and not (folder / old).is_file():
                    continue  # a part a crash never began (recovered with nothing)
                write_file(folder / old, old, spool / new, new, take.take_id, old_key, take.key)
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
