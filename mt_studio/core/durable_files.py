"""Files written whole or not at all, and on disk before anyone counts on them."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from mt_studio.core.errors import LibraryError
from mt_studio.i18n import _


def recording_exists(path: Path) -> LibraryError:
    """The error for a recording file that is already there: it is never written over."""
    return LibraryError(_("A file is already at {path}; mt_studio never writes over a "
                          "recording. Move it away and try again. It was left as it is.")
                        .format(path=path))


def create_exclusively(path: Path) -> int:
    """A new file at PATH, open for writing (0600), or `recording_exists` if PATH is taken."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                       0o600)
    except FileExistsError:
        raise recording_exists(path) from None


@contextmanager
def created_atomically(path: Path) -> Iterator[BinaryIO]:
    """A file to write PATH's content into, for a PATH that must not exist yet: on leaving, it
    is flushed to disk and linked in as PATH (which fails, rather than replace a file that
    appeared meanwhile), and the folder synced. Raises `recording_exists` if PATH is taken;
    on any error nothing new is left behind."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise recording_exists(path)
    fd, temporary = _temporary_beside(path)
    try:
        with _synced(fd) as file:
            yield file
        try:
            os.link(temporary, path)  # unlike a rename, never replaces what is there
        except FileExistsError:
            raise recording_exists(path) from None
        except OSError:  # a file system without hard links (FAT, exFAT): claim the name first
            os.close(create_exclusively(path))
            os.replace(temporary, path)  # over the empty file just made, nothing else
    finally:
        Path(temporary).unlink(missing_ok=True)
    sync_folder(path.parent)


@contextmanager
def replaced_atomically(path: Path) -> Iterator[BinaryIO]:
    """A file to write PATH's new content into. On leaving, it is flushed to disk and renamed
    over PATH, and the folder synced: after a crash or power cut PATH holds its old content or
    the new, whole. On an error, nothing new is left behind."""
    path = Path(path)
    fd, temporary = _temporary_beside(path)
    try:
        with _synced(fd) as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def _temporary_beside(path: Path) -> tuple[int, str]:
    """A new hidden file in PATH's folder (made if need be): its descriptor and name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")


@contextmanager
def _synced(fd: int) -> Iterator[BinaryIO]:
    """FD as a file to write into, flushed to disk and closed when the block ends."""
    with os.fdopen(fd, "wb") as file:
        yield file
        file.flush()
        os.fsync(file.fileno())


def sync_folder(folder: Path) -> None:
    """Put FOLDER's entries on disk: a new or renamed file survives a power cut only then."""
    if os.name == "nt":
        return
    sync_file(folder)


def sync_file(path: Path) -> None:
    """Put what was written to the file at PATH on disk (a file another connection wrote)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
