"""A library's files copied into the folder of its copy (`library_copy.py`): every file under
`audio/` and the key file, each written beside its name, made durable and only then linked in
under it (never over a file), then checked: a take's part against the checksum it was recorded
with, any other file byte for byte against the source. A file already there whole (from a run
cut short) is checked the same way and not copied again."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from mt_studio.core.capture.part_check import file_hash, samples_hash
from mt_studio.core.capture.wav_stream import SampleFormat
from mt_studio.core.durable_files import created_atomically, sync_folder
from mt_studio.core.errors import LibraryError
from mt_studio.core.private_files import FOLDER_MODE
from mt_studio.core.sealing.format import SealedFileError
from mt_studio.i18n import _

AUDIO = "audio"
KEY_FILE = "library.keys"
_CHUNK = 1 << 20

# A take file kept with a checksum: (SHA-256, a MIDI file?, samplerate, sample format).
PartHash = tuple[str, bool, int, str | None]


@dataclass(frozen=True)
class FilesCopied:
    """What copying the files did: COPIED files (BYTES in all), ALREADY_THERE whole from an
    earlier run, REMOVED left in the target by an earlier run that the source no longer has."""

    copied: int = 0
    already_there: int = 0
    bytes: int = 0
    removed: int = 0


def names_to_copy(folder: Path, removing: Iterable[str]) -> list[str]:
    """The library-relative names of every file under FOLDER's audio folder, but those under
    REMOVING (a deletion's files still to be removed) and the temporaries of a write cut short;
    then the key file, if the library has one. LibraryError for anything there that is not a
    plain file (mt_studio makes no links)."""
    gone = [PurePosixPath(path) for path in removing]
    names = []
    for path in sorted(_walk(folder / AUDIO)):
        name = PurePosixPath(path.relative_to(folder).as_posix())
        if _temporary(name) or any(name == g or g in name.parents for g in gone):
            continue
        if path.is_symlink() or not path.is_file():
            raise LibraryError(_("{path} is not a plain file (mt_studio makes none but plain "
                                 "files): move it out of the library, then copy it again. "
                                 "Nothing was changed.").format(path=path))
        names.append(str(name))
    if (folder / KEY_FILE).is_file():
        names.append(KEY_FILE)
    return names


def remove_others(folder: Path, names: Iterable[str]) -> int:
    """Remove from FOLDER's audio folder (the unfinished copy of this library) every file not
    among NAMES: left by an earlier run, of a take deleted from the source since, or a write cut
    short. How many went."""
    keep = {folder / name for name in names}
    removed = 0
    for path in _walk(folder / AUDIO):
        if path not in keep:
            path.unlink()
            removed += 1
    for root, _folders, _files in sorted(os.walk(folder / AUDIO), reverse=True):
        if Path(root) != folder / AUDIO and not os.listdir(root):
            os.rmdir(root)
    if removed:
        sync_folder(folder / AUDIO)
    return removed


class FileCopier:
    """Copies files from the library in SOURCE to its copy in TARGET, each checked against
    HASHES (name -> PartHash) where the library has one; sealed files are read through the
    keyring, which the caller set up for both folders."""

    def __init__(self, source: Path, target: Path, hashes: Mapping[str, PartHash]) -> None:
        self.source = source
        self.target = target
        self.hashes = hashes

    def copy_all(self, names: list[str], progress: Callable[[int, int], None] | None = None,
                 removed: int = 0) -> FilesCopied:
        """Copy NAMES (`names_to_copy`), telling PROGRESS files done, of all."""
        copied = already = size = 0
        for done, name in enumerate(names):
            if self._there_whole(name):
                already += 1
            else:
                size += self._copy(name)
                copied += 1
            if progress is not None:
                progress(done + 1, len(names))
        return FilesCopied(copied, already, size, removed)

    def _copy(self, name: str) -> int:
        source, target = self.source / name, self.target / name
        _make_folders(target.parent, self.target)
        digest = hashlib.sha256()
        try:
            with open(source, "rb") as reading, created_atomically(target) as writing:
                size = _copy_hashing(reading, writing, digest)
        except OSError as error:
            raise LibraryError(_("{path} could not be copied to {target}: {reason}. The "
                                 "target holds no rows of the library yet; run the copy again "
                                 "once that is put right.").format(
                                     path=source, target=target,
                                     reason=error.strerror or error)) from error
        if not self._matches(name, target, digest.hexdigest()):
            target.unlink()
            self._blame(name)
        return size

    def _there_whole(self, name: str) -> bool:
        """Whether NAME is in the target already, whole (copied by an earlier run); one there
        but not whole, or no longer the source's (sealed since, say), is removed to be copied
        again: the target is this library's unfinished copy, holding no rows yet."""
        source, target = self.source / name, self.target / name
        if not os.path.lexists(target):
            return False
        if (not target.is_symlink() and _size(target) == _size(source)
                and self._matches(name, target, _file_digest(source))):
            return True
        target.unlink()
        return False

    def _matches(self, name: str, path: Path, source_digest: str) -> bool:
        """Whether PATH holds NAME whole: its recorded checksum when it has one, else
        byte for byte the source's (SOURCE_DIGEST)."""
        expected = self.hashes.get(name)
        if expected is None:
            return _file_digest(path) == source_digest
        return _part_hash(path, expected) == expected[0]

    def _blame(self, name: str) -> None:
        """LibraryError for a copy that did not match: the source's file, or the writing."""
        source = self.source / name
        expected = self.hashes.get(name)
        if expected is not None and _part_hash(source, expected) != expected[0]:
            raise LibraryError(_(
                "{path} is not the file that was recorded: it does not match the checksum "
                "kept when it was finished, and a damaged recording is not copied. Restore it "
                "from a backup ('mt-studio verify' lists every such file), then copy again. "
                "The target holds no rows of the library yet.").format(path=source))
        raise LibraryError(_("The copy of {path} in {target} did not read back as written (a "
                             "disk error?); it was removed. The target holds no rows of the "
                             "library yet; run the copy again.").format(
                                 path=source, target=self.target / name))


def _walk(folder: Path) -> Iterable[Path]:
    for root, _folders, files in os.walk(folder):
        for file in files:
            yield Path(root) / file


def _temporary(name: PurePosixPath) -> bool:
    """Whether NAME is a file being written (durable_files' temporaries), not a library's."""
    return name.name.startswith(".") and name.name.endswith(".part")


def _make_folders(folder: Path, top: Path) -> None:
    """FOLDER and those above it up to TOP, private, each made durable in its parent."""
    missing = []
    while not folder.exists() and folder != top:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=FOLDER_MODE, exist_ok=True)
        sync_folder(made.parent)


def _copy_hashing(reading: BinaryIO, writing: BinaryIO, digest: hashlib._Hash) -> int:
    size = 0
    while chunk := reading.read(_CHUNK):
        digest.update(chunk)
        writing.write(chunk)
        size += len(chunk)
    return size


def _file_digest(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _part_hash(path: Path, expected: PartHash) -> str | None:
    """The hash `capture/part_check` keeps of the take file at PATH (None: unreadable)."""
    _sha256, is_midi, samplerate, sample_format = expected
    try:
        if is_midi:
            return file_hash(path)
        return samples_hash(path, samplerate, SampleFormat(sample_format or SampleFormat.PCM24))
    except (OSError, SealedFileError):
        return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1

