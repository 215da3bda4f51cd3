"""Practice versions of a take: its audio tracks slowed down or sped up, and/or transposed.

Each audio track of a region of a take is stretched on its own with Rubber Band's finer (R3)
engine, through pedalboard, into a mono float32 WAV in the library's `cache/practice/` (sealed
with the take's key when its parts are sealed); every track of one version has the same length,
round((stop - start) / speed) frames, so the player mixes them as it mixes the originals, and
version frame v sounds take frame start + v * speed.

Rubber Band's offline stretcher takes a whole buffer, so a track is stretched in pieces of at
most PIECE_SECONDS (plus CONTEXT_SECONDS of real audio on each side, stretched and dropped, so
a piece's edges sound as in the whole), joined by a short crossfade placed at the quietest
moment, in all the tracks together, of the piece's last JOIN_SEARCH_SECONDS; each track's later
piece is moved by up to MAX_LAG_SECONDS to line its waveform up with the earlier one's (else a
held note may dip there). Every track of a take is cut at the same frames: Rubber Band's R3
engine runs up to about 60 ms behind or ahead of the exact ratio when speeding up (the same
for any content, made up at the end of each call), so equal pieces keep the tracks together.
A piece is also the unit of progress and of cancelling. A stretch takes about (1 + 2 / speed)
times one piece's samples, some 60 MB at 48 kHz and 50 %, however long the region (see
benchmarks/stretch.py); a song or loop of up to a minute is a single piece.

A version is cached per track under a name made from everything it is made from (the paths,
sizes and modification times of the parts of every track of the take, the region, the settings,
the sample rate, the stretcher's version), is checked before it is used, and is recomputed
when missing or damaged. The files of a version appear together at the end or not at all: a
cancel or an error leaves nothing behind. Nothing here keeps global state; it is meant to run
in a worker thread.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import soundfile as sf

from mt_studio.core.capture.audio_capture import DISK_RESERVE_BYTES
from mt_studio.core.errors import InputError, LibraryError
from mt_studio.core.sealing.audio import FloatWavWriter
from mt_studio.core.sealing.files import Sealing, sealing_for
from mt_studio.core.waveform import TrackReader, open_track_file
from mt_studio.i18n import _

CACHE_FOLDER = Path("cache") / "practice"
FORMAT_VERSION = 1  # raise when a change in the code makes earlier renders sound different
PIECE_SECONDS = 60.0
CONTEXT_SECONDS = 1.0
JOIN_SEARCH_SECONDS = 10.0
CROSSFADE_SECONDS = 0.05
MAX_LAG_SECONDS = 0.004
MAX_WAV_BYTES = 0xFFFFFFFF - 1024  # a plain WAV's sizes are 32-bit
STALE_PARTIAL_SECONDS = 3600
CACHE_LIMIT_BYTES = 4 << 30  # practice versions kept at most; the least used go first
RECORDING_ROOM_BYTES = 1 << 30  # left free beyond the recorder's reserve, for the next take

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


class RenderCancelled(Exception):
    """The caller's `cancelled` said so; nothing was written."""


@dataclass(frozen=True)
class PracticeSettings:
    """How to practise: SPEED 0.5-1.5 (1.0 as recorded), pitch moved by SEMITONES -6..+6."""

    speed: float = 1.0
    semitones: float = 0.0

    def __post_init__(self) -> None:
        if not _number_within(self.speed, 0.5, 1.5):
            raise InputError(_("The practice speed must be from 0.5 to 1.5 times the recorded "
                               "speed, not {value}.").format(value=self.speed))
        if not _number_within(self.semitones, -6, 6):
            raise InputError(_("The transposition must be from -6 to +6 semitones, not "
                               "{value}.").format(value=self.semitones))
        object.__setattr__(self, "speed", float(self.speed))
        object.__setattr__(self, "semitones", float(self.semitones))

    @property
    def is_original(self) -> bool:
        """Whether these settings play the take as recorded."""
        return self.speed == 1.0 and self.semitones == 0.0


def _number_within(value: object, low: float, high: float) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value) and low <= value <= high)


@dataclass(frozen=True)
class PracticeVersion:
    """The files to play for each audio track (each list read as one stream) and how the
    version's frames map onto the take's: take frame = origin + version frame * speed.

    As recorded, the tracks are the original parts and origin is 0; otherwise each track is one
    rendered file of `frames` frames covering take frames start..stop.
    """

    tracks: tuple[tuple[Path, ...], ...]
    settings: PracticeSettings
    start: int
    stop: int
    origin: int
    frames: int
    rendered: bool

    def to_take(self, frame: int) -> int:
        """The take frame that version FRAME sounds."""
        return self.origin + round(frame * self.settings.speed)

    def to_version(self, take_frame: int) -> int:
        """The version frame where TAKE_FRAME sounds (outside 0..frames for one outside)."""
        return round((take_frame - self.origin) / self.settings.speed)


def practice_version(
    library_folder: Path, tracks: Sequence[Sequence[Path]], settings: PracticeSettings, *,
    samplerate: int, start: int = 0, stop: int | None = None, progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> PracticeVersion:
    """The practice version of frames START..STOP (default: to the end) of a take's audio
    TRACKS (each a list of part files; all of them, always in the same order), from the cache
    or rendered now.

    PROGRESS gets the fraction done (0-1) across all the tracks; when CANCELLED returns True
    the rendering stops between pieces with RenderCancelled, leaving nothing behind.
    """
    track_parts = [tuple(Path(path) for path in parts) for parts in tracks]
    lengths = [_part_lengths(parts, samplerate) for parts in track_parts]
    longest = max((sum(found) for found in lengths), default=0)
    stop = longest if stop is None else min(stop, longest)
    if start < 0 or start >= stop:
        raise InputError(_("The practice region {start}-{stop} is not inside the take, which "
                           "has frames 0-{end}.").format(start=start, stop=stop, end=longest))
    if settings.is_original:
        return PracticeVersion(tuple(track_parts), settings, start, stop, 0, longest, False)
    frames = round((stop - start) / settings.speed)
    if frames * 4 > MAX_WAV_BYTES:
        raise InputError(_("The practice region is too long for one practice file; choose "
                           "a shorter region."))
    folder = Path(library_folder) / CACHE_FOLDER
    take = [_sources(library_folder, parts) for parts in track_parts]
    made_from = [_made_from(take, index, settings, start, stop, samplerate)
                 for index in range(len(take))]
    paths = [folder / f"{_key(description)}.wav" for description in made_from]
    missing = [i for i, path in enumerate(paths) if not usable_render(path, frames, samplerate)]
    if missing:
        joins = _plan_joins(list(zip(track_parts, lengths, strict=True)), start, stop,
                            samplerate, settings.speed)
        _render_together(folder, [(track_parts[i], lengths[i], paths[i], made_from[i])
                                  for i in missing],
                         settings, joins, samplerate, progress, cancelled)
    for path, description in zip(paths, made_from, strict=True):
        if not path.with_suffix(".json").is_file():
            try:
                _write_description(path, description)
            except OSError:
                pass  # only the stale-file sweep needs it, and it then removes the render
    if progress is not None:
        progress(1.0)
    return PracticeVersion(tuple((path,) for path in paths), settings, start, stop, start,
                           frames, True)


def render_track(
    parts: Sequence[Path], settings: PracticeSettings, out_path: Path, *, samplerate: int,
    start: int = 0, stop: int | None = None, progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Stretch frames START..STOP of one track (its PARTS read as one stream, silence past
    their end) into a mono float32 WAV at OUT_PATH, written whole or not at all; its frames."""
    parts = [Path(path) for path in parts]
    lengths = _part_lengths(parts, samplerate)
    stop = sum(lengths) if stop is None else stop
    if start < 0 or start >= stop:
        raise InputError(_("The practice region {start}-{stop} is not inside the take, which "
                           "has frames 0-{end}.").format(start=start, stop=stop,
                                                          end=sum(lengths)))
    out_path = Path(out_path)
    temporary = _partial_path(out_path)
    try:
        joins = _plan_joins([(parts, lengths)], start, stop, samplerate, settings.speed)
        frames = _render(parts, lengths, settings, temporary, joins, samplerate,
                         progress or (lambda _fraction: None), cancelled,
                         sealing_for(out_path, parts))
        os.replace(temporary, out_path)
    except (OSError, sf.SoundFileError) as error:
        raise _unwritable(out_path.parent, error) from None
    finally:
        temporary.unlink(missing_ok=True)
    return frames


def remove_stale_practice_versions(library_folder: Path) -> int:
    """Delete cached practice versions whose sources are gone or changed (e.g. after a take
    was deleted), and leftovers of renders that died; how many files were removed."""
    folder = Path(library_folder) / CACHE_FOLDER
    if not folder.is_dir():
        return 0
    removed = 0
    for path in sorted(folder.iterdir(), key=lambda path: path.suffix != ".wav"):
        if not path.exists():
            continue  # the description of a render removed just before
        stale = False
        if path.suffix == ".partial":
            stale = time.time() - path.stat().st_mtime > STALE_PARTIAL_SECONDS
        elif path.suffix == ".wav":
            stale = not _sources_unchanged(library_folder, path.with_suffix(".json"))
        elif path.suffix == ".json":
            stale = not path.with_suffix(".wav").exists()
        if stale:
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)
            removed += 1
    return removed


def renders_made_from(library_folder: Path, sources: set[str]) -> list[Path]:
    """The cached practice versions (and their descriptions) made from any of SOURCES
    (library-relative paths): what goes with a deleted take."""
    folder = Path(library_folder) / CACHE_FOLDER
    found = []
    for description in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            made_from = json.loads(description.read_text(encoding="utf-8"))
            used = {source[0] for track in made_from["take"] for source in track}
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            continue  # unreadable: the stale-file sweep removes it
        if used & sources:
            found += [path for path in (description.with_suffix(".wav"), description)
                      if path.exists()]
    return found


def _make_room(folder: Path, needed: int) -> int:
    """Delete the practice versions used least recently (by their access time, which `usable_render`
    sets on every use) until the cache, with NEEDED bytes
    more, holds at most CACHE_LIMIT_BYTES; the bytes freed."""
    renders = sorted(folder.glob("*.wav"), key=lambda path: path.stat().st_atime)
    held = sum(path.stat().st_size for path in renders)
    freed = 0
    for path in renders:
        if held + needed - freed <= CACHE_LIMIT_BYTES:
            break
        size = path.stat().st_size
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)
        freed += size
    return freed


def _render_together(folder: Path, jobs: list, settings: PracticeSettings, joins: list[int],
                     samplerate: int, progress: Progress | None,
                     cancelled: Cancelled | None) -> None:
    """Render each (parts, lengths, path, made_from) job; move them all into place at the end."""
    frames = round((joins[-1] - joins[0]) / settings.speed)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        needed = len(jobs) * frames * 4
        free = shutil.disk_usage(folder).free
    except OSError as error:
        raise _unwritable(folder, error) from None
    free += _make_room(folder, needed)
    if needed + DISK_RESERVE_BYTES + RECORDING_ROOM_BYTES > free:
        # Practising must never leave a take without room to be recorded.
        raise LibraryError(_("There is not enough free disk space in {folder} for the practice "
                             "version ({needed} MB are needed).").format(
                                 folder=folder, needed=needed >> 20))
    temporaries = [_partial_path(path) for _parts, _lengths, path, _made in jobs]
    try:
        for index, (parts, lengths, path, _made) in enumerate(jobs):
            def report(fraction: float, index: int = index) -> None:
                if progress is not None:
                    progress((index + fraction) / len(jobs))
            _render(parts, lengths, settings, temporaries[index], joins, samplerate, report,
                    cancelled, sealing_for(path, parts))
        for temporary in temporaries:  # on disk before they count: never a silent render
            with open(temporary, "rb+") as written:
                os.fsync(written.fileno())
        for temporary, (_parts, _lengths, path, made_from) in zip(temporaries, jobs,
                                                                    strict=True):
            os.replace(temporary, path)
            _write_description(path, made_from)
    except (OSError, sf.SoundFileError) as error:
        raise _unwritable(folder, error) from None
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)


def _plan_joins(tracks: Sequence[tuple[Sequence[Path], Sequence[int]]], start: int, stop: int,
                samplerate: int, speed: float) -> list[int]:
    """The frames where pieces begin and end, from START to STOP: where all the TRACKS (parts,
    lengths) together are quietest near every PIECE_SECONDS."""
    piece = max(1, round(PIECE_SECONDS * samplerate))
    search = min(piece // 2, round(JOIN_SEARCH_SECONDS * samplerate))
    window = max(1, round(CROSSFADE_SECONDS * samplerate * speed))
    joins = [start]
    while stop - joins[-1] > piece:
        low = joins[-1] + piece - search
        energy = sum(np.square(_read_span(parts, low, low + search + window),
                               dtype=np.float64) for parts, lengths in tracks)
        joins.append(low + _quietest(energy, window))
    joins.append(stop)
    return joins


def _render(parts: Sequence[Path], lengths: Sequence[int], settings: PracticeSettings,
            out_path: Path, joins: Sequence[int], samplerate: int, progress: Progress,
            cancelled: Cancelled | None, sealing: Sealing | None) -> int:
    """Stretch the pieces between JOINS of one track into OUT_PATH (sealed as SEALING says);
    the frames written."""
    speed = settings.speed
    start, stop = joins[0], joins[-1]
    total = round((stop - start) / speed)
    context = round(CONTEXT_SECONDS * samplerate)
    fade = max(1, round(CROSSFADE_SECONDS * samplerate))
    lag = round(MAX_LAG_SECONDS * samplerate)
    rise = (0.5 - 0.5 * np.cos(np.pi * (np.arange(fade) + 0.5) / fade)).astype(np.float32)
    tail: np.ndarray | None = None
    with FloatWavWriter(out_path, samplerate, sealing) as out:
        for begin, end in itertools.pairwise(joins):
            if cancelled is not None and cancelled():
                raise RenderCancelled
            first = max(0, begin - context)
            samples = _read_span(parts, first, end + context)
            stretched = _stretch(samples, samplerate, settings)
            written = round((begin - start) / speed)
            wanted = (total if end == stop else round((end - start) / speed)) - written
            offset = round((begin - first) / speed)
            if tail is not None:
                offset += _best_lag(tail, stretched, offset, lag)
            segment = _exactly(stretched[offset:], wanted + (fade if end < stop else 0))
            if tail is not None:
                segment[:fade] = tail * (1 - rise) + segment[:fade] * rise
            out.write(segment[:wanted])
            tail = segment[wanted:]
            progress((end - start) / (stop - start))
    return total


def _stretch(samples: np.ndarray, samplerate: int, settings: PracticeSettings) -> np.ndarray:
    """SAMPLES played at the settings' speed and pitch, by Rubber Band's R3 engine."""
    if not samples.any():
        return np.zeros(round(len(samples) / settings.speed), dtype=np.float32)
    import pedalboard  # a large native module: loaded only when something is stretched

    return pedalboard.time_stretch(
        samples, samplerate, stretch_factor=settings.speed,
        pitch_shift_in_semitones=settings.semitones, high_quality=True).reshape(-1)


def _best_lag(tail: np.ndarray, stretched: np.ndarray, offset: int, lag: int) -> int:
    """The shift within +-LAG of STRETCHED from OFFSET that best continues TAIL's waveform."""
    lag = min(lag, offset)
    near = stretched[offset - lag:offset + lag + len(tail)]
    if len(near) < len(tail) or not tail.any():
        return 0
    return int(np.argmax(np.correlate(near, tail, mode="valid"))) - lag


def _quietest(energy: np.ndarray, window: int) -> int:
    """The latest start of the WINDOW frames of least total ENERGY (per frame)."""
    sums = np.convolve(energy, np.ones(window), mode="valid")
    return len(sums) - 1 - int(np.argmin(sums[::-1]))


def _exactly(samples: np.ndarray, frames: int) -> np.ndarray:
    """A writable copy of SAMPLES cut or padded with silence to FRAMES frames."""
    result = np.zeros(frames, dtype=np.float32)
    count = min(frames, len(samples))
    result[:count] = samples[:count]
    return result


def _part_lengths(parts: Sequence[Path], samplerate: int) -> list[int]:
    """The frames of each part, each checked to be a mono recording at SAMPLERATE."""
    lengths = []
    for path in parts:
        with open_track_file(path) as file:
            if file.samplerate != samplerate:
                raise InputError(_("The audio file {file} is at {rate} Hz, but its take is at "
                                   "{expected} Hz.").format(file=path, rate=file.samplerate,
                                                            expected=samplerate))
            lengths.append(file.frames)
    return lengths


def _read_span(parts: Sequence[Path], first: int, last: int) -> np.ndarray:
    """Frames FIRST..LAST of the parts read as one stream, silence past their end."""
    with TrackReader(parts, first) as reader:
        return reader.read(last - first)


def usable_render(path: Path, frames: int, samplerate: int) -> bool:
    """Whether PATH is a whole cached render (float WAV) of FRAMES frames at SAMPLERATE; a
    damaged one is deleted, a whole one marked as used now."""
    if not path.is_file():
        return False
    try:
        with open_track_file(path) as file:
            whole = (file.frames == frames and file.samplerate == samplerate
                     and file.subtype == "FLOAT")
    except InputError:
        whole = False
    if not whole:
        path.unlink(missing_ok=True)
    else:
        # Used now: the last to go when room is made (_make_room); set by hand, as a disk
        # mounted noatime would not, and the modification time stays that of the render.
        os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))
    return whole


def _sources(library_folder: Path, parts: Sequence[Path]) -> list:
    """Each part's path (in the library when it is there), size and modification time."""
    sources = []
    for path in parts:
        status = path.stat()
        sources.append([_relative(library_folder, path), status.st_size, status.st_mtime_ns])
    return sources


def _made_from(take: list, track: int, settings: PracticeSettings, start: int, stop: int,
               samplerate: int) -> dict:
    """Everything the render of track number TRACK of TAKE (its sources) depends on, as JSON:
    the other tracks too, for the pieces are cut where all of them are quiet."""
    try:
        engine = metadata.version("pedalboard")
    except metadata.PackageNotFoundError:
        engine = "unknown"
    pieces = [PIECE_SECONDS, CONTEXT_SECONDS, JOIN_SEARCH_SECONDS, CROSSFADE_SECONDS,
              MAX_LAG_SECONDS]
    return {"format": FORMAT_VERSION, "engine": f"pedalboard {engine}", "pieces": pieces,
            "take": take, "track": track, "start": start, "stop": stop,
            "speed": settings.speed, "semitones": settings.semitones, "samplerate": samplerate}


def _key(made_from: dict) -> str:
    return hashlib.sha256(json.dumps(made_from, sort_keys=True).encode()).hexdigest()[:32]


def _relative(library_folder: Path, path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(library_folder).resolve()).as_posix()
    except ValueError:
        return str(Path(path).resolve())


def _write_description(path: Path, made_from: dict) -> None:
    """Record beside a cached render what it was made from (read by the stale-file sweep)."""
    target = path.with_suffix(".json")
    temporary = _partial_path(target)
    try:
        temporary.write_text(json.dumps(made_from), encoding="utf-8")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _sources_unchanged(library_folder: Path, description: Path) -> bool:
    try:
        made_from = json.loads(description.read_text(encoding="utf-8"))
        for name, size, mtime in (source for track in made_from["take"] for source in track):
            status = (Path(library_folder) / name).stat()
            if (status.st_size, status.st_mtime_ns) != (size, mtime):
                return False
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return True


def _partial_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.{uuid.uuid4().hex[:8]}.partial")


def _unwritable(folder: Path, error: Exception) -> LibraryError:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else error
    return LibraryError(_("The practice version cannot be written in {folder}: {reason}").format(
        folder=folder, reason=reason))
