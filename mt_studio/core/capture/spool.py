"""This computer's spool for a service's library (docs/architecture.md, "How a take travels"):
a private folder of its own where takes are recorded, never over the network, under the names
they will have in the audio store (`audio/take-N/...`), until they are copied there and checked.

One folder per library, named by the library's id, in the user's state folder. Besides the
takes waiting (and the caches made from them meanwhile) it holds the spool's own random id
(`spool.id`), by which the library knows whose spool holds a take, and that names the folder
again should the library's id change (encrypting it gives it a new one).
"""

from __future__ import annotations

import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from mt_studio.core.durable_files import created_atomically
from mt_studio.core.errors import LibraryError
from mt_studio.core.ledger_heads import state_folder
from mt_studio.core.private_files import FOLDER_MODE, keep_private
from mt_studio.i18n import _

ID_NAME = "spool.id"
_MAX_COMPUTER_NAME = 255


@dataclass(frozen=True)
class Spool:
    """This computer's spool of one library: its FOLDER, its random ID, and the COMPUTER's name
    as people know it."""

    folder: Path
    id: str
    computer: str


def spools_folder() -> Path:
    """Where every library's spool on this computer is."""
    return state_folder() / "spool"


def spool_folder(library_id: str) -> Path:
    """The spool folder of the library LIBRARY_ID."""
    return spools_folder() / library_id


def spool_id_in(folder: Path) -> str | None:
    """The id of the spool in FOLDER, or None when it has none (yet)."""
    try:
        return (folder / ID_NAME).read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def open_spool(folder: Path) -> Spool:
    """The spool in FOLDER, made (private) with a new id if it is new; LibraryError naming the
    folder when it cannot be."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        folder.mkdir(exist_ok=True, mode=FOLDER_MODE)
        keep_private(folder)
        found = spool_id_in(folder)
        if found is None:
            try:
                with created_atomically(folder / ID_NAME) as file:
                    file.write(secrets.token_hex(16).encode("ascii") + b"\n")
            except LibraryError:
                pass  # another process made it first: theirs is the one
            found = spool_id_in(folder)
    except OSError as error:
        raise LibraryError(_("Cannot make this computer's spool for recordings, {folder}: "
                             "{reason}").format(folder=folder,
                                                reason=error.strerror or error)) from error
    if found is None:
        raise LibraryError(_("The spool {folder} has no readable id ({file}). Move the folder "
                             "away, keeping what is in it, and try again.").format(
            folder=folder, file=folder / ID_NAME))
    return Spool(folder, found, computer_name())


def computer_name() -> str:
    """This computer's name, as the network knows it."""
    name = " ".join(socket.gethostname().split())[:_MAX_COMPUTER_NAME]
    return name or "localhost"
