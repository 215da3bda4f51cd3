"""A take's files checked against the SHA-256 each was finalized with, before anything reads
them for playback or export, and for `mt-studio verify`.

An audio part's hash is of its samples (the WAV data chunk, hashed by the writer as it wrote
them); its header is not hashed, because it is written last, but it must be exactly the header
the take's samplerate and format make for the file's length. A MIDI file's hash is of the whole
file. A sealed file's hash is of what is sealed in it, the same. A file kept before files were
hashed has none, and is unchecked.

Playback and export check a take each time it is chosen; a file found matching is not read
again in this process while its inode, size, modification and change times stay the same
(the change time cannot be set back by a user, so a file swapped or rewritten is read anew).
`mt-studio verify` reads every file.
"""

from __future__ import annotations

import enum
import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mt_studio.core.capture.wav_stream import (
    MAX_DATA_BYTES,
    SampleFormat,
    header,
    header_size,
)
from mt_studio.core.domain.sound import TakeSound
from mt_studio.core.errors import LibraryError
from mt_studio.core.sealing.audio import sealed_file_hash, sealed_samples_hash
from mt_studio.core.sealing.stream import SealedFileError, is_sealed
from mt_studio.i18n import _


class FileState(enum.StrEnum):
    """What a check found of one file."""

    MATCHES = "matches"
    UNCHECKED = "unchecked"  # kept before files were hashed
    CHANGED = "changed"
    MISSING = "missing"
    UNREADABLE = "unreadable"  # a folder in its place, no permission, a read error
    SPOOLED = "spooled"  # not in the store yet: still in another computer's spool


@dataclass(frozen=True)
class FileCheck:
    """One file of a take (PATH) and what its check found."""

    take_id: int
    track_id: int
    path: Path
    state: FileState
    problem: str = ""  # what reading it said, when UNREADABLE; whose spool, when SPOOLED

    @property
    def damaged(self) -> bool:
        """True if the file is not the one that was recorded (changed, gone or unreadable)."""
        return self.state in (FileState.CHANGED, FileState.MISSING, FileState.UNREADABLE)

    @property
    def usable(self) -> bool:
        """True if the file may be read: it matches, or was kept before files were hashed."""
        return self.state in (FileState.MATCHES, FileState.UNCHECKED)


# Files found matching, by path: what their stat said then, and the hash they matched.
_matched: dict[Path, tuple[tuple[int, ...], str]] = {}
_matched_lock = threading.Lock()


def check_sound(sound: TakeSound) -> list[FileCheck]:
    """Every file of SOUND's tracks, checked by reading it."""
    return list(_checks(sound, trust_unchanged=False))


def refuse_damaged(sound: TakeSound) -> None:
    """LibraryError naming the first file of SOUND that is not the one recorded, or saying
    whose spool it still waits in; nothing if every file matches or is unchecked. A file
    found matching before and unchanged since is not read again."""
    for check in _checks(sound, trust_unchanged=True):
        if not check.usable:
            raise damaged_file(check)


def damaged_file(check: FileCheck) -> LibraryError:
    """The error for a file that does not match its stored hash, is gone, or is not in the
    store yet."""
    if check.state is FileState.SPOOLED:
        return LibraryError(_("The files of take {take} are still being copied from "
                              "{computer}'s spool to the audio store, so the take cannot be "
                              "used here yet. They are copied when mt_studio runs on "
                              "{computer} with the store in reach.").format(
            take=check.take_id, computer=check.problem))
    if check.state is FileState.MISSING:
        return LibraryError(_("{path} of take {take} is missing, so the take is not used. "
                              "Restore the file from a backup.").format(
            path=check.path, take=check.take_id))
    if check.state is FileState.UNREADABLE:
        return LibraryError(_("{path} of take {take} cannot be read ({problem}), so the take "
                              "is not used. Check the file's owner and permissions, or restore "
                              "it from a backup.").format(
            path=check.path, take=check.take_id, problem=check.problem))
    return LibraryError(_("{path} of take {take} is not the file that was recorded: it does "
                          "not match the checksum kept when it was finished, so the take is "
                          "not used. Restore the file from a backup, and run 'mt-studio "
                          "verify' to check the other takes.").format(
        path=check.path, take=check.take_id))


def _checks(sound: TakeSound, trust_unchanged: bool) -> Iterator[FileCheck]:
    take = sound.take
    sample_format = SampleFormat(take.sample_format or SampleFormat.PCM24)
    for track in sound.tracks:
        hashes = track.hashes or (None,) * len(track.files)
        for path, expected in zip(track.files, hashes, strict=True):
            problem = ""
            if expected is None:
                state = FileState.UNCHECKED
            elif trust_unchanged and _unchanged_since_matching(path, expected):
                state = FileState.MATCHES
            else:
                try:
                    before = _stat_key(path)
                    found = (file_hash(path) if track.is_midi
                             else samples_hash(path, take.samplerate, sample_format))
                except FileNotFoundError:
                    state = FileState.MISSING
                    if sound.spooled_on is not None:
                        state, problem = FileState.SPOOLED, sound.spooled_on
                except OSError as error:
                    state, problem = FileState.UNREADABLE, error.strerror or str(error)
                except SealedFileError as error:  # its key cannot be had
                    state, problem = FileState.UNREADABLE, str(error)
                else:
                    state = FileState.MATCHES if found == expected else FileState.CHANGED
                    _remember(path, before, expected if state is FileState.MATCHES else None)
            yield FileCheck(take.id, track.id, path, state, problem)


def _stat_key(path: Path) -> tuple[int, ...]:
    found = os.stat(path)
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


def _unchanged_since_matching(path: Path, expected: str) -> bool:
    with _matched_lock:
        known = _matched.get(path)
    try:
        return known is not None and known == (_stat_key(path), expected)
    except OSError:
        return False


def _remember(path: Path, before: tuple[int, ...], matched: str | None) -> None:
    """Keep that PATH, as BEFORE said, matched MATCHED (None: forget it); a file that
    changed while it was read is not kept."""
    try:
        unchanged = matched is not None and _stat_key(path) == before
    except OSError:
        unchanged = False
    with _matched_lock:
        _matched.pop(path, None)
        if unchanged:
            _matched[path] = (before, matched)


def samples_hash(path: Path, samplerate: int, sample_format: SampleFormat) -> str | None:
    """The SHA-256 of the samples of the WAV at PATH, or None if its header is not the one
    SAMPLERATE and SAMPLE_FORMAT make for its length (of a sealed file: the samples sealed in
    it, None if it was sealed at another rate or format, or is cut or damaged)."""
    if is_sealed(path):
        return sealed_samples_hash(path, samplerate, sample_format)
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        data_bytes = size - header_size(sample_format)
        if data_bytes < 0 or data_bytes % sample_format.sample_bytes or data_bytes > MAX_DATA_BYTES:
            return None
        expected = header(samplerate, sample_format, data_bytes // sample_format.sample_bytes)
        if file.read(len(expected)) != expected:
            return None
        return _hash_rest(file)


def file_hash(path: Path) -> str | None:
    """The SHA-256 of the whole file at PATH (of a sealed file: of what is sealed in it, None
    if it is cut or damaged)."""
    if is_sealed(path):
        return sealed_file_hash(path)
    with open(path, "rb") as file:
        return _hash_rest(file)


def _hash_rest(file) -> str:
    return hashlib.file_digest(file, "sha256").hexdigest()
