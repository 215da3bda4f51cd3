"""Sealing the files of a library encrypted after they were recorded (docs/architecture.md,
"Encrypted at rest"): each plain file of a take is sealed with the take's key beside itself,
checked by decrypting it and comparing it with the plain one, and only then put in its place
by one rename. A crash at any moment leaves each file either plain or sealed, whole; the next
run seals what is left. Plain caches (peaks, MIDI sound, practice versions) are removed: they
are made again, sealed, when next needed.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mt_studio.core.capture.take_capture import LOCK_NAME
from mt_studio.core.durable_files import sync_folder
from mt_studio.core.sealing.stream import (
    SealedLog,
    SealedReader,
    SealedWriter,
    is_sealed,
    read_sealed_log,
)
from mt_studio.i18n import _

CACHE_FOLDER = "cache"
SEALING_SUFFIX = ".sealing"
_BLOCK = 1 << 20
_FORMATS = {(1, 24): "pcm24", (3, 32): "float32"}  # (WAV format tag, bits): our formats


@dataclass
class SealingReport:
    """What one run sealed: files sealed, files left plain (with why), caches removed."""

    sealed: int = 0
    caches_removed: int = 0
    left_plain: list[tuple[str, str]] = field(default_factory=list)


def plain_files(folder: Path) -> Iterator[tuple[int, Path]]:
    """Every plain file of a take in the library in FOLDER, with its take's id, by take."""
    audio = folder / "audio"
    takes = sorted((int(p.name.removeprefix("take-")), p) for p in audio.glob("take-*")
                   if p.is_dir() and p.name.removeprefix("take-").isdigit())
    for take_id, take_folder in takes:
        for path in sorted(take_folder.rglob("*")):
            if (path.is_file() and not path.is_symlink() and path.name != LOCK_NAME
                    and not path.name.endswith(SEALING_SUFFIX) and not is_sealed(path)):
                yield take_id, path


def seal_library(folder: Path, take_key: Callable[[int], bytes],
                 progress: Callable[[int, int, str], None] | None = None) -> SealingReport:
    """Seal every plain file of a take in FOLDER with its take's key (TAKE_KEY), telling
    PROGRESS (done, of all, the file's name) as it goes, then remove plain caches."""
    report = SealingReport()
    for leftover in (folder / "audio").rglob("*" + SEALING_SUFFIX):
        leftover.unlink()  # a file being sealed when a run was cut short: made again
    todo = list(plain_files(folder))
    for done, (take_id, path) in enumerate(todo):
        name = path.relative_to(folder).as_posix()
        if progress is not None:
            progress(done, len(todo), name)
        why = seal_file_in_place(path, take_key(take_id), name, take_id)
        if why is None:
            report.sealed += 1
        else:
            report.left_plain.append((name, why))
    if progress is not None:
        progress(len(todo), len(todo), "")
    cache = folder / CACHE_FOLDER
    for path in sorted(cache.rglob("*")) if cache.is_dir() else ():
        if path.is_file() and not is_sealed(path):  # descriptions too: all made again
            path.unlink()
            report.caches_removed += 1
    return report


def seal_file_in_place(path: Path, key: bytes, name: str, take_id: int) -> str | None:
    """Seal the plain file PATH (library name NAME) of take TAKE_ID: None once sealed, or why
    it was left plain."""
    temporary = path.with_name(path.name + SEALING_SUFFIX)
    kind = _kind(path)
    if kind == "audio":
        wav = _wav_data(path)
        if wav is None:
            return _("not a recording in a format mt_studio records (24-bit or float mono WAV)")
        samplerate, sample_format, offset, length = wav
        meta = {"samplerate": samplerate, "format": sample_format}
        _seal_copy(path, temporary, key, name, take_id, meta, offset, length)
        _check_copy(path, temporary, key, name, offset, length)
    elif kind in ("journal", "midi log"):
        log = SealedLog(temporary, key, name, take_id)
        try:
            if kind == "journal":
                for line in path.read_bytes().splitlines(keepends=True):
                    log.append(line)
            else:
                log.append(path.read_bytes())
        finally:
            log.close()
        if b"".join(read_sealed_log(temporary, key, name)) != path.read_bytes():
            temporary.unlink()
            raise OSError(_("{file} did not read back as it was sealed.").format(file=path))
    else:
        length = path.stat().st_size
        _seal_copy(path, temporary, key, name, take_id, {"kind": kind}, 0, length)
        _check_copy(path, temporary, key, name, 0, length)
    os.replace(temporary, path)
    sync_folder(path.parent)
    return None


def _kind(path: Path) -> str:
    if path.suffix == ".wav":
        return "audio"
    if path.name == "journal.log":
        return "journal"
    if path.suffix == ".midilog":
        return "midi log"
    if path.suffix == ".mid":
        return "midi"
    return "file"


def _seal_copy(path: Path, temporary: Path, key: bytes, name: str, take_id: int, meta: dict,
               offset: int, length: int) -> None:
    writer = SealedWriter(temporary, key, name, take_id, meta)
    try:
        with path.open("rb") as source:
            source.seek(offset)
            left = length
            while left:
                block = source.read(min(_BLOCK, left))
                if not block:
                    raise OSError(_("{file} ended before its size.").format(file=path))
                writer.write(block)
                left -= len(block)
        writer.finish()
    except BaseException:
        writer.close()
        temporary.unlink(missing_ok=True)
        raise


def _check_copy(path: Path, temporary: Path, key: bytes, name: str, offset: int,
                length: int) -> None:
    """Decrypt the sealed copy and compare it with the plain file, block by block."""
    with SealedReader(temporary, key, name) as sealed, path.open("rb") as plain:
        same = sealed.size == length
        plain.seek(offset)
        position = 0
        while same and position < length:
            block = plain.read(min(_BLOCK, length - position))
            same = sealed.read_at(position, len(block)) == block
            position += len(block)
    if not same:
        temporary.unlink()
        raise OSError(_("{file} did not read back as it was sealed; it was left plain.")
                      .format(file=path))


def _wav_data(path: Path) -> tuple[int, str, int, int] | None:
    """A mono WAV's samplerate, sample format, and where its samples lie (offset, bytes);
    None for any other file."""
    with path.open("rb") as raw:
        head = raw.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        found = None
        while chunk := raw.read(8):
            if len(chunk) < 8:
                return None
            kind, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if kind == b"fmt ":
                body = raw.read(16)
                tag, channels, rate, _rate, _align, bits = struct.unpack("<HHIIHH", body)
                if tag == 0xFFFE and size >= 40:  # WAVE_FORMAT_EXTENSIBLE: its subformat
                    extra = raw.read(24)
                    tag = struct.unpack("<H", extra[8:10])[0]
                    raw.seek(size - 40 + (size & 1), 1)
                else:
                    raw.seek(size - 16 + (size & 1), 1)
                if channels != 1 or (tag, bits) not in _FORMATS:
                    return None
                found = (rate, _FORMATS[tag, bits])
            elif kind == b"data":
                if found is None:
                    return None
                offset = raw.tell()
                available = path.stat().st_size - offset
                width = 3 if found[1] == "pcm24" else 4
                length = available if size == 0xFFFFFFFF else min(size, available)
                return found[0], found[1], offset, length - length % width
            else:
                raw.seek(size + (size & 1), 1)
    return None
