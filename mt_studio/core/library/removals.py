"""Files a committed deletion has still to remove, and removing them.

A deletion writes the library-relative paths of everything it removes (a take's folder, its
cached peaks and renders) in the same transaction that deletes the rows, and removes them
after the commit. Cut short there (a kill, a power cut, a disk error), the paths stay listed
and `finish` removes them at the next open: no row ever points at a removed file, and no file
of a deleted take outlives the next start.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from mt_studio.core.library.sqlite import sqlite3


def note(db: sqlite3.Connection, paths: Iterable[str]) -> None:
    """List PATHS (library-relative files or folders) to be removed once DB is committed."""
    for path in dict.fromkeys(paths):
        _checked(path)
        db.execute("INSERT INTO pending_removals (path) VALUES (?)", (path,))


def any_pending(db: sqlite3.Connection) -> bool:
    """Whether a deletion has files still to remove (False in a library from before deletion)."""
    try:
        return db.execute("SELECT 1 FROM pending_removals LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # no such table: an older schema, opened to upgrade
        return False


def pending(db: sqlite3.Connection) -> list[str]:
    """The paths still to be removed, first listed first."""
    return [row[0] for row in db.execute("SELECT path FROM pending_removals ORDER BY id")]


def finish(db: sqlite3.Connection, folder: Path) -> int:
    """Remove every path still listed from the library in FOLDER, and its listing once it is
    gone; how many were removed. A path that cannot be removed now stays listed (logged)."""
    removed = 0
    for row_id, path in db.execute("SELECT id, path FROM pending_removals ORDER BY id"
                                   ).fetchall():
        try:
            _remove(folder / _checked(path))
        except OSError as error:
            _log().warning("%s of a deleted take is not removed yet: %s", path, error)
            continue
        db.execute("DELETE FROM pending_removals WHERE id = ?", (row_id,))
        removed += 1
    return removed


def remove(folder: Path, paths: Iterable[str]) -> None:
    """Remove PATHS (library-relative files or folders) from FOLDER now, those that are there:
    a take's files in this computer's spool, which no other computer can list or finish."""
    for path in dict.fromkeys(paths):
        _remove(folder / _checked(path))


def _checked(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"not a path inside the library: {path!r}")
    return relative


def _remove(path: Path) -> None:
    """Remove the file or folder at PATH (a link itself, never where it points)."""
    if path.is_dir() and not path.is_symlink():
        import shutil  # not loaded with every open of a library

        shutil.rmtree(path)
        _sync(path.parent)
    elif os.path.lexists(path):
        path.unlink()
        _sync(path.parent)


def _sync(folder: Path) -> None:
    """Make the removal durable: a power cut must not bring the file back."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _log():
    """This module's logger (logging is not loaded with every open: the window lists its
    sessions before it)."""
    import logging

    return logging.getLogger(__name__)
