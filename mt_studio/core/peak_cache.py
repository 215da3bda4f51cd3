"""A multi-resolution peak cache per track (as Ardour's peak files), for fast waveforms.

`build` reads a track's parts once, in large blocks, and writes the min and max of every BASE
frames (the base level) and of every FACTOR times coarser stretch, down to a few thousand
peaks, into one small file under the library's `cache/peaks/`. The file names the parts it was
built from with their sizes and modification times: a file that does not match the parts now
(a take still being recorded grows), is cut short, foreign or of another format version is
never trusted, `PeakCache.open` gives None and the caller builds it again. The cache of a
sealed track is sealed with its take's key.

Peaks are stored as float16 rounded outward (a min down, a max up), so a cached answer never
understates a peak. For a column of frames [a, b) the cache answers the exact min and max of
frames [a rounded down to W, b rounded up to W) of the track, within that rounding, where W
(`frames_per_peak`) is the coarsest level with at least PEAKS_PER_COLUMN peaks in a column,
else BASE; with fewer than BASE frames a column the frames are read from the files, exactly.
BASE is 256 as in Ardour: a view zoomed in past it spans under 256 frames a column (under 11 s
of audio on 2000 columns at 48 kHz), cheap to read from the files, so a finer base would only
make the cache bigger (about 1/170 of a 24-bit track as it is).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import soundfile as sf

from mt_studio.core.errors import InputError
from mt_studio.core.sealing.files import Sealing, open_binary, sealing_for, write_whole
from mt_studio.core.sealing.stream import SealedFileError
from mt_studio.core.waveform import open_track_file, span_end, track_peaks, unreadable_error
from mt_studio.i18n import _

BASE = 256
FACTOR = 8
TOP_PEAKS = 4096  # levels are added until the coarsest has at most this many peaks
PEAKS_PER_COLUMN = 4  # a column widens by at most a quarter of its width on either side
BLOCK_FRAMES = 1 << 16  # a multiple of BASE; 256 KiB of int32 stays in the CPU's cache
CACHE_FOLDER = Path("cache", "peaks")
MAGIC = b"MTPEAKS\0"
VERSION = 1

_HEAD = struct.Struct("<8sII")  # magic, format version, length of the JSON header after it
_MAX_HEADER = 1 << 20
_ALIGN = 64  # the peaks start on a multiple of this
_PEAK_BYTES = 4  # a min and a max, float16 each


def cache_file(library_folder: Path, parts: Sequence[Path]) -> Path:
    """Where the peak cache of the track whose files are PARTS lives in the library."""
    if not parts:
        raise ValueError("a track with no files has no peak cache")
    folder = Path(os.path.abspath(library_folder))
    first = Path(os.path.abspath(parts[0]))
    # Named by the first part inside the library (ids only), so a moved library keeps names.
    key = first.relative_to(folder).as_posix() if first.is_relative_to(folder) else str(first)
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return folder / CACHE_FOLDER / f"{digest}.peaks"


def build(parts: Sequence[Path], cache_path: Path,
          progress: Callable[[float], None] | None = None,
          cancelled: Callable[[], bool] | None = None) -> bool:
    """Read the track's PARTS and write their peak cache to CACHE_PATH, replacing it whole.

    PROGRESS gets the fraction done (0..1, 1.0 once written); CANCELLED is asked between
    blocks, and when it says True nothing is written and the answer is False. A missing or
    malformed part raises InputError naming it.
    """
    parts = [Path(path) for path in parts]
    signatures = [_signature(path) for path in parts]  # before reading: a change makes it stale
    sealing = sealing_for(cache_path, parts)
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(open_track_file(path)) for path in parts]
        frames = sum(file.frames for file in files)
        windows = -(-frames // BASE)
        low = np.full(windows, np.inf)  # float64: exact for int32 and float32 samples
        high = np.full(windows, -np.inf)
        position, reported = 0, 0
        for path, file in zip(parts, files, strict=True):
            is_float = file.subtype in ("FLOAT", "DOUBLE")
            # Integer samples read as int32 come unconverted (sample << 8 for 24-bit): exact
            # once scaled by 2**-31, and cheaper for libsndfile than float.
            buffer = np.empty(BLOCK_FRAMES, dtype=np.float32 if is_float else np.int32)
            scale = 1.0 if is_float else 2.0 ** -31
            end = position + file.frames
            while position < end:
                if cancelled is not None and cancelled():
                    return False
                # Blocks end on window edges, so only a part's first block starts mid-window.
                size = min(end - position, BLOCK_FRAMES - position % BASE)
                _fold(_read(file, path, buffer[:size]), position, scale, low, high)
                position += size
                if progress is not None and position - reported >= frames / 200:
                    progress(0.99 * position / frames)
                    reported = position
    levels = _levels(_outward(low, -1), _outward(high, 1))
    _write(cache_path, _header(frames, signatures), levels, sealing)
    if progress is not None:
        progress(1.0)
    return True


def discard(library_folder: Path, parts: Sequence[Path]) -> None:
    """Delete the track's peak cache, e.g. with its audio (peaks are derived from health data)."""
    if parts:
        cache_file(library_folder, parts).unlink(missing_ok=True)


def peaks_for_track(library_folder: Path, parts: Sequence[Path], columns: int, *,
                    start: int = 0, stop: int | None = None,
                    length: int | None = None) -> np.ndarray:
    """`waveform.track_peaks` from the track's peak cache when it is valid, else from its files."""
    if parts:
        cache = PeakCache.open(parts, cache_file(library_folder, parts))
        if cache is not None:
            with cache:
                return cache.peaks(columns, start=start, stop=stop, length=length)
    return track_peaks(parts, columns, start=start, stop=stop, length=length)


class PeakCache:
    """The peak levels of one track, read from its cache file as they are asked for."""

    def __init__(self, parts: list[Path], file, frames: int, counts: list[int],
                 data_offset: int) -> None:
        self.parts = parts
        self.frames = frames
        self._file = file
        self._windows = [BASE * FACTOR ** level for level in range(len(counts))]
        self._offsets = [data_offset + _PEAK_BYTES * sum(counts[:n]) for n in range(len(counts))]
        self._lock = threading.Lock()

    @classmethod
    def open(cls, parts: Sequence[Path], cache_path: Path) -> PeakCache | None:
        """The cache at CACHE_PATH if it was built from PARTS as they are now, else None."""
        parts = [Path(path) for path in parts]
        try:
            file = open_binary(cache_path)  # kept open by the cache until close()
        except (OSError, SealedFileError):  # e.g. sealed by a take deleted since
            return None
        try:
            layout = _layout(file, parts)
        except (OSError, ValueError, TypeError, RecursionError, struct.error, SealedFileError):
            layout = None  # whatever is in it, a damaged cache file is only a missing one
        if layout is None:
            file.close()
            return None
        return cls(parts, file, *layout)

    def close(self) -> None:
        """Close the cache file."""
        self._file.close()

    def __enter__(self) -> PeakCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def frames_per_peak(self, frames_per_column: float) -> int:
        """How many frames each peak read spans at this zoom; 1 when the files are read."""
        if frames_per_column < BASE:
            return 1
        fitting = [w for w in self._windows if w * PEAKS_PER_COLUMN <= frames_per_column]
        return fitting[-1] if fitting else BASE

    def peaks(self, columns: int, *, start: int = 0, stop: int | None = None,
              length: int | None = None) -> np.ndarray:
        """(min, max) per column, shape (columns, 2), as `waveform.track_peaks` (see module)."""
        if columns < 1:
            raise ValueError(f"columns must be at least 1, not {columns}")
        if start < 0:
            raise ValueError(f"start must not be negative, not {start}")
        columns_end = span_end(self.frames, stop, length)
        end = min(columns_end, self.frames)
        count = max(0, columns_end - start)
        result = np.zeros((columns, 2), dtype=np.float32)
        if count == 0 or end <= start:
            return result
        window = self.frames_per_peak(count / columns)
        cached = None if window == 1 else self._cached(columns, start, end, count, window)
        if cached is None:
            return track_peaks(self.parts, columns, start=start, stop=stop, length=length)
        result[:len(cached)] = cached
        return result

    def _cached(self, columns: int, start: int, end: int, count: int,
                window: int) -> np.ndarray | None:
        """The peaks of the columns that hold frames (a prefix), None if the file changed."""
        edges = start - ((-np.arange(columns + 1, dtype=np.int64) * count) // columns)
        first, last = edges[:-1], np.minimum(edges[1:], end)
        held = int(np.count_nonzero(last > first))
        # Columns are at least WINDOW frames wide, so each starts in a later peak than the one
        # before; a column ending mid-peak also takes the next column's first peak.
        first = first[:held] // window
        last = -(-last[:held] // window)
        rows = self._rows(self._windows.index(window), int(first[0]), int(last[-1]))
        if rows is None:
            return None
        starts = first - first[0]
        low = np.minimum.reduceat(rows[:, 0], starts)
        high = np.maximum.reduceat(rows[:, 1], starts)
        spill = np.flatnonzero(last[:-1] > first[1:])
        low[spill] = np.minimum(low[spill], rows[starts[spill + 1], 0])
        high[spill] = np.maximum(high[spill], rows[starts[spill + 1], 1])
        return np.stack([low, high], axis=1)

    def _rows(self, level: int, first: int, last: int) -> np.ndarray | None:
        size = (last - first) * _PEAK_BYTES
        with self._lock:
            self._file.seek(self._offsets[level] + first * _PEAK_BYTES)
            data = self._file.read(size)
        # Cut short since it was opened, or damaged in a way no check at opening can afford to
        # see (not a number), or peaks beyond float16's range: the files are read instead.
        if len(data) != size:
            return None
        rows = np.frombuffer(data, dtype="<f2").reshape(-1, 2).astype(np.float32)
        return rows if np.isfinite(rows).all() else None


def _signature(path: Path) -> list:
    """What a cache records of a part: its path, size and modification time."""
    name = os.path.abspath(path)
    try:
        info = os.stat(path)
    except OSError:
        return [name, -1, -1]
    return [name, info.st_size, info.st_mtime_ns]


def _level_counts(frames: int) -> list[int]:
    counts = [-(-frames // BASE)]
    while counts[-1] > TOP_PEAKS:
        counts.append(-(-counts[-1] // FACTOR))
    return counts


def _read(file: sf.SoundFile, path: Path, out: np.ndarray) -> np.ndarray:
    try:
        block = file.read(len(out), dtype=out.dtype.name, always_2d=False, out=out)
    except (sf.SoundFileError, OSError) as error:
        raise unreadable_error(path, error) from None
    if len(block) < len(out):
        raise InputError(_("The audio file {file} ended before all its samples could be read; "
                           "it may be damaged.").format(file=path))
    return block


def _fold(block: np.ndarray, position: int, scale: float, low: np.ndarray,
          high: np.ndarray) -> None:
    """Fold a block whose first frame is POSITION in the track into the base level."""
    first = position // BASE
    starts = np.arange(first * BASE, position + len(block), BASE) - position
    starts[0] = 0
    span = slice(first, first + len(starts))
    np.minimum(low[span], np.minimum.reduceat(block, starts) * scale, out=low[span])
    np.maximum(high[span], np.maximum.reduceat(block, starts) * scale, out=high[span])


def _outward(exact: np.ndarray, direction: int) -> np.ndarray:
    """EXACT (float64) as float16, rounded down (DIRECTION -1) or up (1), never toward 0."""
    exact[np.isnan(exact)] = 0.0  # a float file holding NaN is damaged; draw it flat there
    with np.errstate(over="ignore"):
        half = exact.astype(np.float16)  # nearest; beyond float16's range, infinity
    wrong = half > exact if direction < 0 else half < exact
    half[wrong] = np.nextafter(half[wrong], np.float16(direction * np.inf))
    return half


def _levels(low: np.ndarray, high: np.ndarray) -> list[np.ndarray]:
    """The base level and each FACTOR times coarser one, as (peaks, 2) float16 arrays."""
    levels = [np.stack([low, high], axis=1)]
    while len(levels[-1]) > TOP_PEAKS:
        finer = levels[-1]
        rows = -(-len(finer) // FACTOR)
        padded = np.empty((rows * FACTOR, 2), dtype=np.float16)
        padded[len(finer):] = (np.inf, -np.inf)
        padded[:len(finer)] = finer
        grouped = padded.reshape(rows, FACTOR, 2)
        levels.append(np.stack([grouped[:, :, 0].min(axis=1), grouped[:, :, 1].max(axis=1)],
                               axis=1))
    return levels


def _header(frames: int, signatures: list[list]) -> bytes:
    header = {"base": BASE, "factor": FACTOR, "frames": frames, "parts": signatures,
              "levels": _level_counts(frames)}
    return json.dumps(header).encode("utf-8")


def _data_offset(header_length: int) -> int:
    return -(-(_HEAD.size + header_length) // _ALIGN) * _ALIGN


def _write(path: Path, header: bytes, levels: list[np.ndarray], sealing: Sealing | None) -> None:
    """Write the cache file whole (sealed as SEALING says, if given): a temporary file, flushed
    to disk, then renamed over PATH."""
    # On disk before the rename: a cache left zero-filled by a power cut would pass every
    # check it can afford and understate the peaks.
    head = _HEAD.pack(MAGIC, VERSION, len(header)) + header
    head += bytes(_data_offset(len(header)) - len(head))
    write_whole(path, b"".join([head, *(level.astype("<f2").tobytes() for level in levels)]),
                sealing, "peaks")


def _layout(file, parts: list[Path]) -> tuple[int, list[int], int] | None:
    """Frames, level sizes and data offset of an open cache file; None if it does not fit."""
    head = file.read(_HEAD.size)
    if len(head) != _HEAD.size:
        return None
    magic, version, header_length = _HEAD.unpack(head)
    if magic != MAGIC or version != VERSION or header_length > _MAX_HEADER:
        return None
    text = file.read(header_length)
    header = json.loads(text.decode("utf-8"))
    if not isinstance(header, dict) or header.get("base") != BASE \
            or header.get("factor") != FACTOR:
        return None
    frames = header.get("frames")
    if type(frames) is not int or frames < 0:
        return None
    counts = _level_counts(frames)
    if header.get("levels") != counts or header.get("parts") != [_signature(p) for p in parts]:
        return None
    offset = _data_offset(header_length)
    if file.seek(0, os.SEEK_END) != offset + _PEAK_BYTES * sum(counts):
        return None
    return frames, counts, offset
