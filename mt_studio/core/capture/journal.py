"""The take journal: a small append-only log of what has been made durable, for recovery.

One line per record, each ending in a CRC-32 of the line, so a line torn by a crash is ignored:
  part TRACK_ID PART_NUMBER FIRST_FRAME FILE    a track's file part begins (before it is written)
  durable FRAMES                                every file holds at least FRAMES, fsync'd
  dropout FRAME LENGTH CAUSE                    FRAMES lost at FRAME, filled with silence
A sealed take's journal is a sealed log (sealing/stream.py): the same lines, each one record.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from mt_studio.core.capture.file_seal import FileSeal
from mt_studio.core.durable_files import create_exclusively
from mt_studio.core.sealing.stream import SealedLog, read_sealed_log

JOURNAL_NAME = "journal.log"


@dataclass(frozen=True)
class FilePart:
    """One file of a track: tracks split before 4 GiB continue in the next part, without a gap."""

    track_id: int
    number: int
    first_frame: int
    file: str


@dataclass
class JournalState:
    """What a journal says was made durable."""

    durable_frames: int = 0
    parts: list[FilePart] = field(default_factory=list)
    dropouts: list[tuple[int, int, str]] = field(default_factory=list)


class Journal:
    """Appends records to a take's journal (sealed under SEAL, if given); every record is
    fsync'd before it counts."""

    def __init__(self, path: Path, seal: FileSeal | None = None) -> None:
        self.path = path
        # A new take's own, never an older one's.
        self._log = (SealedLog(path, seal.key, seal.name, seal.take_id)
                     if seal is not None else None)
        self._fd = create_exclusively(path) if seal is None else -1

    def part(self, part: FilePart) -> None:
        """Record that a file part begins."""
        self._append(f"part {part.track_id} {part.number} {part.first_frame} {part.file}")

    def durable(self, frames: int) -> None:
        """Record that every file now durably holds at least FRAMES."""
        self._append(f"durable {frames}")

    def dropout(self, frame: int, length: int, cause: str) -> None:
        """Record frames lost and filled with silence."""
        self._append(f"dropout {frame} {length} {cause}")

    def close(self) -> None:
        """Close the journal file."""
        if self._log is not None:
            self._log.close()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _append(self, text: str) -> None:
        line = f"{text} {zlib.crc32(text.encode()):08x}\n".encode()
        if self._log is not None:
            self._log.append(line)
            return
        os.write(self._fd, line)
        os.fsync(self._fd)


def read_journal(path: Path, seal: FileSeal | None = None) -> JournalState:
    """What the journal at PATH (sealed under SEAL, if given) records; damaged or torn lines
    are skipped; no file, nothing."""
    state = JournalState()
    try:
        lines = (b"".join(read_sealed_log(path, seal.key, seal.name)) if seal is not None
                 else path.read_bytes()).split(b"\n")
    except FileNotFoundError:
        return state
    for raw in lines:
        text, _, checksum = raw.decode("utf-8", "replace").rpartition(" ")
        if not text or checksum != f"{zlib.crc32(text.encode()):08x}":
            continue
        kind, *values = text.split(" ")
        if kind == "durable":
            state.durable_frames = max(state.durable_frames, int(values[0]))
        elif kind == "part":
            state.parts.append(FilePart(int(values[0]), int(values[1]), int(values[2]),
                                        " ".join(values[3:])))
        elif kind == "dropout":
            state.dropouts.append((int(values[0]), int(values[1]), " ".join(values[2:])))
    return state
