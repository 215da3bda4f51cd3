"""Files only their owner can read: a library holds health data, and so does everything made
from it (audio parts, caches, backups, exports, the log).

The window and every command run with the umask 077 (`only_mine`), so that whatever they
create, through SQLite, libsndfile or Python, is made 0600 (folders 0700) whatever the
user's umask; a library opened anywhere else is closed to others by `keep_private`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
_OTHERS = 0o077  # the group's and everyone else's bits


@contextmanager
def only_mine() -> Iterator[None]:
    """Meanwhile, what this process creates is readable by its user alone."""
    before = os.umask(_OTHERS)
    try:
        yield
    finally:
        os.umask(before)


def keep_private(folder: Path, files: tuple[Path, ...] = ()) -> None:
    """Make FOLDER 0700 and FILES (those that exist) 0600: a library made before, or by a
    process with a looser umask, is closed to others. A file system without modes (a FAT
    stick) is left as it is."""
    for path, mode in ((folder, FOLDER_MODE), *((file, FILE_MODE) for file in files)):
        try:
            if path.exists() and path.stat().st_mode & _OTHERS:
                path.chmod(mode)
        except OSError:
            pass  # no modes to set there (or not ours): the umask still covers new files


def private_file(path: Path) -> Path:
    """PATH, made empty and 0600 first if it does not exist (for SQLite, which makes its
    database with the umask's mode, and its journal files with the database's)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    return path
