"""The heads of a library's hash chains as last seen on this computer, kept outside the library
(in the user's state folder), so that an older copy put back in its place is noticed.

One private file per library, named by the library's id: {"library": ID, "chains": {TABLE:
{"rows": N, "hash": H}}}. It is replaced whole (never half written), and never moved back to
fewer rows than it holds unless an admin accepts the library as it is (`force`).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import platformdirs

from mt_studio.core.durable_files import replaced_atomically
from mt_studio.core.errors import LibraryError
from mt_studio.core.private_files import FOLDER_MODE
from mt_studio.i18n import _

STATE_ENV = "MT_STUDIO_STATE_DIR"

Heads = Mapping[str, tuple[int, str]]  # table -> (rows, hash of the last)


def state_folder() -> Path:
    """$MT_STUDIO_STATE_DIR if set, else the user's state folder for mt-studio."""
    chosen = os.environ.get(STATE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return platformdirs.user_state_path("mt-studio", appauthor=False)


def head_file(library_id: str) -> Path:
    """Where the heads seen of the library LIBRARY_ID are kept."""
    return state_folder() / "ledger" / f"{library_id}.json"


def seen(library_id: str) -> dict[str, tuple[int, str]] | None:
    """The heads last seen of library LIBRARY_ID, or None when this computer has seen none."""
    path = head_file(library_id)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        return {table: (int(head["rows"]), str(head["hash"]))
                for table, head in content["chains"].items()}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise LibraryError(_("The record of this library's ledger, {path}, cannot be read "
                             "({reason}). An admin can check the library with `mt-studio audit "
                             "verify` and accept it with `mt-studio audit accept`.").format(
                                 path=path, reason=error)) from error


def keep(library_id: str, heads: Heads, *, force: bool = False) -> None:
    """Record HEADS as seen of library LIBRARY_ID; a chain already seen longer keeps its
    longer head (another process got further), unless FORCE."""
    path = head_file(library_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    with _locked(path):
        merged = dict(heads)
        if not force:
            try:
                before = seen(library_id) or {}
            except LibraryError:
                before = {}
            for table, head in before.items():
                if table in merged and head[0] > merged[table][0]:
                    merged[table] = head
        content = {"library": library_id,
                   "chains": {table: {"rows": rows, "hash": hash_}
                              for table, (rows, hash_) in sorted(merged.items())}}
        with replaced_atomically(path) as file:
            file.write((json.dumps(content, indent=2) + "\n").encode("utf-8"))


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """PATH's lock file held: one process at a time reads and replaces PATH."""
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
