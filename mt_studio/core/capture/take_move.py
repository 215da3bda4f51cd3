"""A take's files copied from this computer's spool to the service's audio store and checked
there, before the spool lets go of them (docs/architecture.md, "How a take travels").

Each file is copied under its own name as a new file, written whole: a hidden file beside it,
fsync'd, then linked in (`durable_files.created_atomically`), so that a copy cut short (a kill,
the share gone) leaves nothing under the file's name. Then it is read back from the store: a
part must hold the samples (a MIDI file: the bytes) its SHA-256 was finalized with, and be as
long as the spool's; any other file of the take (its journal, a MIDI log) the spool's bytes.
A sealed file is copied as it is: its key is bound to its name in the library, the same in
both. A file already in the store is never written over: one that checks is taken as copied
(a move cut short after it), one that does not is named (`StoreFileDiffers`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mt_studio.core.capture.part_check import file_hash, samples_hash
from mt_studio.core.capture.wav_stream import SampleFormat
from mt_studio.core.durable_files import created_atomically, sync_folder
from mt_studio.core.errors import LibraryError
from mt_studio.i18n import _

_BLOCK = 1 << 20


@dataclass(frozen=True)
class FileToMove:
    """One file of a take: its library-relative NAME, and the SHA-256 it was finalized with
    (of its samples if AUDIO, else of the whole file; None: compared with the spool's bytes)."""

    name: str
    sha256: str | None = None
    audio: bool = False


class MoveCancelled(Exception):
    """The move was asked to stop; what it copied so far stays, checked, or goes."""


class StoreFileDiffers(LibraryError):
    """A file of the take in the store is not the one in the spool; it was left as it is."""


def move_files(spool: Path, store: Path, files: Sequence[FileToMove], samplerate: int,
               sample_format: SampleFormat,
               cancelled: Callable[[], bool] = lambda: False) -> None:
    """Copy FILES of a take recorded at SAMPLERATE in SAMPLE_FORMAT from the folder SPOOL to
    the folder STORE, each on disk and checked there; returns once every one is. LibraryError
    naming a file that is missing from the spool, cannot be written, or does not check (a copy
    of this move's is removed again; one found there is left); MoveCancelled when CANCELLED
    says so, between blocks. Nothing in the spool is changed."""
    if not store.is_dir():  # never made here: it may be a share's folder, not connected
        raise LibraryError(_("The audio store {store} cannot be reached (is the service's "
                             "file share connected?). The takes stay in this computer's "
                             "spool, to be copied once it can be.").format(store=store))
    folders = set()
    for file in files:
        source, target = spool / file.name, store / file.name
        if not source.is_file():
            raise LibraryError(_("{path} is missing from this computer's spool, so the "
                                 "take's files cannot be copied to the store.").format(path=source))
        if os.path.lexists(target):
            if not _checks(source, target, file, samplerate, sample_format):
                raise StoreFileDiffers(_(
                    "{path} is already in the audio store but is not the file recorded (its "
                    "checksum differs from the copy in this computer's spool, {spool}). It was "
                    "left as it is, and so was the spool's copy: ask whoever looks after the "
                    "store to move the store's file away, then mt_studio copies the take "
                    "again.").format(path=target, spool=source))
            continue
        _make_folders(store, target.parent)
        _copy(source, target, cancelled)
        folders.add(target.parent)
        if not _checks(source, target, file, samplerate, sample_format):
            target.unlink(missing_ok=True)
            raise LibraryError(_("The copy of {path} in the audio store does not match the "
                                 "recording (the share may have changed it on the way); it was "
                                 "removed, and the take stays in this computer's spool, to be "
                                 "copied again.").format(path=target))
    for folder in folders:
        sync_folder(folder)


def _make_folders(store: Path, folder: Path) -> None:
    """Make FOLDER inside STORE one level at a time, never STORE itself: a share that goes
    away meanwhile leaves its mount point behind, and nothing is copied onto this computer's
    disk under it."""
    made = store
    try:
        for part in folder.relative_to(store).parts:
            made = made / part
            made.mkdir(exist_ok=True)
    except OSError as error:
        raise LibraryError(_("Cannot make the folder {folder} in the audio store: {reason}. "
                             "The take stays in this computer's spool, to be copied again.")
                           .format(folder=made, reason=error.strerror or error)) from error


def _copy(source: Path, target: Path, cancelled: Callable[[], bool]) -> None:
    try:
        for leftover in target.parent.glob(f".{target.name}.*.part"):
            leftover.unlink()  # a copy cut short (killed, the share gone) before it was whole
        with open(source, "rb") as reading, created_atomically(target) as writing:
            while block := reading.read(_BLOCK):
                if cancelled():
                    raise MoveCancelled(str(target))
                writing.write(block)
    except OSError as error:
        raise LibraryError(_("Cannot copy {path} to the audio store: {reason}. The take stays "
                             "in this computer's spool, to be copied again.").format(
            path=target, reason=error.strerror or error)) from error


def _checks(source: Path, target: Path, file: FileToMove, samplerate: int,
            sample_format: SampleFormat) -> bool:
    """Whether TARGET in the store is the recorded FILE, whose copy in the spool is SOURCE;
    LibraryError naming it when it cannot be read (SealedFileError: its key cannot be had)."""
    try:
        if target.stat().st_size != source.stat().st_size:
            return False
        if file.sha256 is None:
            return _bytes_hash(target) == _bytes_hash(source)
        found = (samples_hash(target, samplerate, sample_format) if file.audio
                 else file_hash(target))
    except OSError as error:
        raise LibraryError(_("Cannot read {path} in the audio store to check it: {reason}. "
                             "The take stays in this computer's spool, to be copied again.")
                           .format(path=target, reason=error.strerror or error)) from error
    return found == file.sha256


def _bytes_hash(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
