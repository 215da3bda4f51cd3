"""The encryption service: whether the library is encrypted, sealing the files recorded
before it was, the admin's recovery key, and a take's files as plain copies for a therapist
(docs/architecture.md, "Encrypted at rest")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mt_studio.core.errors import AccessRefused, InputError
from mt_studio.core.library import audit
from mt_studio.core.studio import encryption, file_sealing
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio.file_sealing import SealingReport
    from mt_studio.core.studio.studio import Studio


@dataclass(frozen=True)
class EncryptionState:
    """Whether the library is encrypted (it has accounts), and how many of its takes' files
    are still plain (recorded before, and not sealed yet)."""

    encrypted: bool
    plain_files: int


class EncryptionService:
    """The library's encryption at rest, for therapists and admins."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def state(self) -> EncryptionState:
        """Whether the library is encrypted, and the takes' files not sealed yet."""
        studio = self._studio
        return EncryptionState(studio._shared.library_key is not None,
                               sum(1 for _f in file_sealing.plain_files(studio.folder)))

    def seal_files(self, progress: Callable[[int, int, str], None] | None = None
                   ) -> SealingReport:
        """Seal every take's file still plain with the take's key (PROGRESS: done, of all,
        the file), each checked before the plain one goes; audited. InputError in a library
        without accounts: it has no key."""
        studio = self._studio
        studio._signed_in()
        if studio._shared.library_key is None:
            raise InputError(_("This library has no accounts, so it is not encrypted: add an "
                               "account first ('mt-studio user add NAME --role admin'); that "
                               "encrypts it."))
        studio._refuse_if_read_only()
        report = file_sealing.seal_library(
            studio.folder, lambda take_id: encryption.take_key(studio, take_id), progress)
        with studio._transaction() as tx:
            audit.record(tx, "library.files_sealed", "library", sealed=report.sealed,
                         left_plain=len(report.left_plain),
                         caches_removed=report.caches_removed)
        return report

    def recovery_key(self) -> str:
        """A new recovery key (24 words, shown once, to print and keep locked away), which
        opens the library as a passphrase does; the one before stops working. Admins only;
        audited."""
        studio = self._studio
        if not studio._signed_in().is_admin:
            raise AccessRefused(_("Only an admin can make a recovery key."))
        if studio._shared.library_key is None:
            raise InputError(_("This library has no accounts, so it is not encrypted and has "
                               "no key to recover."))
        words = encryption.recovery_key(studio)
        with studio._transaction() as tx:
            audit.record(tx, "library.recovery_key_made", "library")
        return words

    def extract(self, take_id: int, folder: Path) -> list[Path]:
        """Plain copies of the take TAKE_ID's files in FOLDER (WAVs and MIDI files, named by
        take and track), each checked against the hash it was recorded with first; for a
        therapist or an admin, audited. What was extracted is theirs to keep safe: it is no
        longer encrypted. InputError for a folder inside the library or a file already there."""
        from mt_studio.core.studio import plain_copies

        studio = self._studio
        if studio.protected:
            studio._signed_in()
        folder = Path(folder).expanduser().absolute()
        if folder == studio.folder or studio.folder in folder.parents:
            raise InputError(_("{folder} is inside the library: extract a take to a folder "
                               "outside it.").format(folder=folder))
        sound = studio.listening._sound(take_id)
        written = plain_copies.write(sound, folder)
        with studio._transaction() as tx:
            audit.record(tx, "take.extracted", f"take:{take_id}", folder=str(folder),
                         files=[path.name for path in written])
        return written
