"""Waveform thumbnails and note lanes for the Takes view, read from a track's files in blocks.

A track may be split into several parts (`takes.parts`); the functions here take the parts in
order and treat them as one stream of frames. Audio is read block by block, so a two-hour file
never sits in memory. A sealed file (an encrypted library's) is read as the plain one it stands
for. Every missing or malformed file raises InputError naming it.
"""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import soundfile as sf

from mt_studio.core.capture.wav_stream import UNKNOWN_SIZE
from mt_studio.core.errors import InputError
from mt_studio.core.sealing.audio import SealedAudioFile, open_sealed_audio
from mt_studio.core.sealing.files import midi_file
from mt_studio.core.sealing.stream import is_sealed
from mt_studio.i18n import _

BLOCK_FRAMES = 1 << 16


class NoteSpan(NamedTuple):
    """One note of a MIDI lane: where it starts and how long it sounds, in audio frames."""

    first_frame: int
    frames: int
    note: int
    velocity: int
    channel: int


def track_frames(paths: Sequence[Path]) -> int:
    """How many frames the parts hold together."""
    return sum(file_frames(Path(path)) for path in paths)


def track_peaks(
    paths: Sequence[Path], columns: int, *, start: int = 0, stop: int | None = None,
    length: int | None = None,
) -> np.ndarray:
    """The (min, max) of each of COLUMNS equal stretches of a mono track, shape (columns, 2).

    The parts in PATHS are read as one stream; START and STOP (frames, STOP exclusive, default
    the end) choose a stretch of it, e.g. for a zoomed view. Frame i of the N frames chosen
    belongs to column i * columns // N. Columns that get no frame (N < columns, or N = 0 when
    the files are empty or START is at the end) hold (0, 0): a flat line, never NaN.
    With LENGTH (the take's length, when a track ended early), the columns cover frames
    START..STOP with STOP defaulting to (and never past) LENGTH, and those past the files' end
    stay flat, so lanes of one take line up at any zoom.
    """
    if columns < 1:
        raise ValueError(f"columns must be at least 1, not {columns}")
    if start < 0:
        raise ValueError(f"start must not be negative, not {start}")
    paths = [Path(path) for path in paths]
    low = np.full(columns, np.inf, dtype=np.float32)
    high = np.full(columns, -np.inf, dtype=np.float32)
    with contextlib.ExitStack() as stack:  # each part opened once (a sealed one costs more)
        files = [stack.enter_context(open_track_file(path)) for path in paths]
        total = sum(file.frames for file in files)
        end = span_end(total, stop, length)
        stop = min(end, total)  # a file longer than its take is shown to the take's end
        count = max(0, end - start)
        if count:
            # First frame (relative to START) of every column; an empty column starts where
            # the next one does, and is left out of the reductions.
            edges = -((-np.arange(columns + 1, dtype=np.int64) * count) // columns)
            for offset, block in _blocks(paths, files, start, stop):
                _fold_block(block, offset, edges, low, high)
    empty = low > high
    low[empty] = 0.0
    high[empty] = 0.0
    return np.stack([low, high], axis=1)


def span_end(total: int, stop: int | None, length: int | None) -> int:
    """Where the columns of a view end: STOP, or the end (of the take if its LENGTH is given,
    else of the TOTAL frames the files hold), never past that end."""
    end = total if length is None else length
    return end if stop is None else min(stop, end)


def _fold_block(block: np.ndarray, offset: int, edges: np.ndarray, low: np.ndarray,
                high: np.ndarray) -> None:
    """Fold one block, whose first frame is OFFSET in the chosen stretch, into LOW and HIGH."""
    end = offset + len(block)
    first = int(np.searchsorted(edges, offset, side="right")) - 1
    last = int(np.searchsorted(edges, end - 1, side="right")) - 1
    cols = np.arange(first, last + 1)
    starts = np.maximum(edges[cols], offset) - offset
    keep = np.concatenate([starts[1:] > starts[:-1], [True]])
    cols, starts = cols[keep], starts[keep]
    low[cols] = np.minimum(low[cols], np.minimum.reduceat(block, starts))
    high[cols] = np.maximum(high[cols], np.maximum.reduceat(block, starts))


def _blocks(paths: Sequence[Path], files: Sequence[sf.SoundFile], start: int,
            stop: int) -> Iterator[tuple[int, np.ndarray]]:
    """Blocks of frames START..STOP of the parts (open as FILES) as float32, each with its
    offset from START."""
    first = 0
    for path, file in zip(paths, files, strict=True):
        last = first + file.frames
        if last > start and first < stop:
            position = max(start, first) - first
            wanted = min(stop, last) - first
            file.seek(position)
            while position < wanted:
                block = _read(file, path, min(BLOCK_FRAMES, wanted - position))
                yield first + position - start, block
                position += len(block)
        first = last
        if first >= stop:
            return


def _read(file: sf.SoundFile, path: Path, frames: int) -> np.ndarray:
    try:
        block = file.read(frames, dtype="float32", always_2d=False)
    except (sf.SoundFileError, OSError) as error:
        raise unreadable_error(path, error) from None
    if len(block) < frames:
        raise InputError(_("The audio file {file} ended before all its samples could be read; "
                           "it may be damaged.").format(file=path))
    return block


class TrackReader:
    """Reads one track's files (its parts, in order) as one mono stream, silence past its end.

    Every part is checked when it is opened (`open_track_file`); a part that gives fewer
    frames than it holds, or cannot be read, raises InputError naming it.
    """

    def __init__(self, paths: Sequence[Path], start_frame: int = 0) -> None:
        self._paths = [Path(path) for path in paths]
        self._lengths = [file_frames(path) for path in self._paths]
        self._index = 0
        self._left = 0  # frames still to come from the open part
        self._file: sf.SoundFile | None = None
        self.position = 0
        self.seek(start_frame)

    def seek(self, frame: int) -> None:
        """Read from FRAME on next (frames counted over all the parts)."""
        self.close()
        self.position = frame
        self._index, skip = 0, frame
        while self._index < len(self._paths) and skip >= self._lengths[self._index]:
            skip -= self._lengths[self._index]
            self._index += 1
        if self._index < len(self._paths):
            self._open(skip)

    def read(self, frames: int, out: np.ndarray | None = None) -> np.ndarray:
        """The next FRAMES frames as float32 mono (into OUT if given), zero-padded where the
        files end."""
        if out is None:
            out = np.zeros(frames, dtype=np.float32)
        filled = 0
        while filled < frames and self._file is not None:
            wanted = min(frames - filled, self._left)
            path = self._paths[self._index]
            try:
                got = len(self._file.read(wanted, dtype="float32", out=out[filled:filled + wanted]))
            except (sf.SoundFileError, OSError) as error:
                raise unreadable_error(path, error) from None
            if got < wanted:
                raise InputError(_("The audio file {file} ended before all its samples could be "
                                   "read; it may be damaged.").format(file=path))
            filled += got
            self._left -= got
            if not self._left:
                self.close()
                self._index += 1
                if self._index < len(self._paths):
                    self._open(0)
        out[filled:frames] = 0.0
        self.position += frames
        return out[:frames]

    def _open(self, skip: int) -> None:
        self._file = open_track_file(self._paths[self._index])
        self._file.seek(skip)
        self._left = self._lengths[self._index] - skip

    def close(self) -> None:
        """Close the open file, if any."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> TrackReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def file_frames(path: Path) -> int:
    """How many frames one track file holds (InputError naming it if it is not sound)."""
    with open_track_file(path) as file:
        return file.frames


def open_track_file(path: Path) -> sf.SoundFile | SealedAudioFile:
    """The file opened for reading, checked to be one whole mono recording (a sealed one is
    read as the WAV it stands for, its chunks checked as they are read)."""
    if not path.is_file():
        raise InputError(_("The audio file {file} is missing.").format(file=path))
    sealed = is_sealed(path)
    try:
        file = open_sealed_audio(path) if sealed else sf.SoundFile(path)
    except (sf.SoundFileError, OSError) as error:
        raise unreadable_error(path, error) from None
    if file.channels != 1:
        file.close()
        raise InputError(_("The audio file {file} has {count} channels; a track file has one.")
                         .format(file=path, count=file.channels))
    if not sealed and file.format == "WAV" and _wav_cut_short(path, file.frames):
        file.close()
        raise InputError(_("The audio file {file} is shorter than its header says: it was cut "
                           "off, perhaps by a full disk or a copy that did not finish.")
                         .format(file=path))
    return file


def _wav_cut_short(path: Path, frames: int) -> bool:
    """True when a WAV's header promises more frames than the file holds.

    libsndfile quietly reads what is there; a size of 0xFFFFFFFF (a file still being
    recorded) promises nothing.
    """
    try:
        with path.open("rb") as raw:
            head = raw.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return False
            block_align = 0
            while chunk := raw.read(8):
                if len(chunk) < 8:
                    return False
                name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
                if name == b"fmt ":
                    block_align = struct.unpack("<12xH", raw.read(14))[0]
                    raw.seek(size - 14 + (size & 1), 1)
                elif name == b"data":
                    if size == UNKNOWN_SIZE or block_align == 0:
                        return False
                    return size // block_align > frames
                else:
                    raw.seek(size + (size & 1), 1)
    except (OSError, struct.error):
        return False
    return False


def unreadable_error(path: Path, error: Exception) -> InputError:
    """The InputError for an audio file that soundfile cannot read, naming it."""
    detail = str(error).split(": ", 1)[-1] if isinstance(error, sf.SoundFileError) else error
    return InputError(_("The audio file {file} cannot be read: {reason}").format(
        file=path, reason=detail))


def midi_notes(path: Path, samplerate: int) -> list[NoteSpan]:
    """The notes of a Standard MIDI File as spans of audio frames at SAMPLERATE, by start.

    Tempo changes in the file are followed. A note still held at the end of the file ends
    there; a note-off without its note-on is ignored.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(_("The MIDI file {file} is missing.").format(file=path))
    try:
        messages = list(midi_file(path))
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError) as error:
        raise InputError(_("The MIDI file {file} cannot be read: {reason}").format(
            file=path, reason=error)) from None
    spans: list[NoteSpan] = []
    held: dict[tuple[int, int], tuple[int, int]] = {}
    seconds = 0.0
    for message in messages:
        seconds += message.time
        frame = round(seconds * samplerate)
        if message.type not in ("note_on", "note_off"):
            continue
        key = (message.channel, message.note)
        if key in held:
            begun, velocity = held.pop(key)
            spans.append(NoteSpan(begun, frame - begun, message.note, velocity, message.channel))
        if message.type == "note_on" and message.velocity > 0:
            held[key] = (frame, message.velocity)
    end = round(seconds * samplerate)
    for (channel, note), (begun, velocity) in held.items():
        spans.append(NoteSpan(begun, end - begun, note, velocity, channel))
    return sorted(spans)
