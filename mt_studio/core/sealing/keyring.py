"""Where a sealed file's key comes from. The engines never read the library: the studio, once
signed in to an encrypted library, installs a lookup of its takes' keys for the library's
folder, and an engine reading or writing a file under that folder asks here. A plain library
installs nothing, and its files stay plain."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from mt_studio.core.sealing.stream import SealedFileError, read_header
from mt_studio.i18n import _

TakeKey = Callable[[int], "bytes | None"]

_lock = threading.Lock()
_libraries: dict[str, TakeKey] = {}  # by the library folder's real path


def install(library_folder: Path, take_key: TakeKey) -> None:
    """Files under LIBRARY_FOLDER are sealed with the keys TAKE_KEY gives for a take id
    (None, or a KeyError, for a take that has none: it was deleted)."""
    with _lock:
        _libraries[os.path.realpath(library_folder)] = take_key


def uninstall(library_folder: Path) -> None:
    """Forget LIBRARY_FOLDER's keys (when it locks or closes)."""
    with _lock:
        _libraries.pop(os.path.realpath(library_folder), None)


def _library_of(path: Path) -> tuple[TakeKey, str] | None:
    """The key lookup of the open library holding PATH, and PATH's name in it."""
    # Strings, not pathlib: this runs on every sealed file opened, and pathlib doubles it.
    resolved = os.path.realpath(path)
    with _lock:
        libraries = list(_libraries.items())
    for folder, take_key in libraries:
        inside = folder if folder.endswith(os.sep) else folder + os.sep
        if resolved.startswith(inside):
            return take_key, resolved[len(inside):].replace(os.sep, "/")
    return None


def _key_of(take_key: TakeKey, take_id: int, path: Path) -> bytes:
    try:
        key = take_key(take_id)
    except KeyError:
        key = None
    if key is None:
        raise SealedFileError(_("The file {path} cannot be opened: its take was deleted.")
                              .format(path=path), path)
    return key


def file_key(path: Path) -> tuple[bytes, str]:
    """(take key, library-relative name) of the sealed file PATH, its take read from its
    header; a SealedFileError naming it when no open library holds it or its take is gone."""
    path = Path(path)
    found = _library_of(path)
    if found is None:
        raise SealedFileError(_("The file {path} is sealed, and no library it belongs to is "
                                "open and signed in to.").format(path=path), path)
    take_key, name = found
    return _key_of(take_key, read_header(path).take_id, path), name


def writing_key(path: Path, take_id: int) -> tuple[bytes, str] | None:
    """(take key, library-relative name) to seal a new file PATH of take TAKE_ID with, or None
    when PATH is in no encrypted library (it is written plain)."""
    found = _library_of(Path(path))
    if found is None:
        return None
    take_key, name = found
    return _key_of(take_key, take_id, Path(path)), name
