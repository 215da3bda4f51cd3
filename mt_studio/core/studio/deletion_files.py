"""Every file in the library made from a take: what its deletion removes.

A take's folder (`audio/take-N`) holds its audio parts, MIDI files, looper layers, journal
and lock; made from them, under `cache/`, are each track's peaks (`peaks/`), the sound of its
MIDI tracks (`midi/`) and practice versions (`practice/`, made from every track of the take
at once). Analyses and markers are rows, not files. Exports are written outside the library;
their records stay, to be recalled.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from sqlite3 import Connection

from mt_studio.core import midi_audio, peak_cache, practice
from mt_studio.core.domain import TrackKind
from mt_studio.core.domain.deletion import FileToRemove
from mt_studio.core.library import takes


def files_of(folder: Path, db: Connection, take_id: int,
             track_ids: Sequence[int] | None = None) -> list[FileToRemove]:
    """The files of take TAKE_ID in the library in FOLDER, and those made from them: all of
    them, or only those of TRACK_IDS (and the practice versions, made from every track)."""
    tracks = [t for t in takes.get(db, take_id).tracks
              if track_ids is None or t.id in track_ids]
    parts = {track.id: takes.parts(db, track.id) for track in tracks}
    if track_ids is None:
        found = sorted(p for p in (folder / takes.take_folder(take_id)).rglob("*")
                       if not p.is_dir())
    else:
        found = [folder / part for track in tracks for part in parts[track.id]]
    for track in tracks:
        if parts[track.id]:
            found.append(peak_cache.cache_file(folder, [folder / p for p in parts[track.id]]))
    midi = midi_audio.renders_of(folder, {p for t in tracks if t.kind is TrackKind.MIDI
                                          for p in parts[t.id]})
    sources = {p for track_parts in parts.values() for p in track_parts}
    sources |= {_relative(folder, path) for path in midi if path.suffix == ".wav"}
    found += midi + practice.renders_made_from(folder, sources)
    return _existing(folder, found)


def files_left(folder: Path, take_id: int) -> list[FileToRemove]:
    """The files of take TAKE_ID still in FOLDER and the caches made from them, found by their
    names alone: its rows are gone (it was deleted while its files waited in a spool)."""
    take_folder = folder / takes.take_folder(take_id)
    found = sorted(p for p in take_folder.rglob("*") if not p.is_dir())
    names = {_relative(folder, path) for path in found}
    made = [peak_cache.cache_file(folder, [path]) for path in found]  # a track's first part
    midi = midi_audio.renders_of(folder, names)
    names |= {_relative(folder, path) for path in midi if path.suffix == ".wav"}
    return _existing(folder, [*found, *made, *midi, *practice.renders_made_from(folder, names)])


def _existing(folder: Path, paths: list[Path]) -> list[FileToRemove]:
    return [FileToRemove(_relative(folder, path), _size(path))
            for path in dict.fromkeys(paths) if path.is_symlink() or path.exists()]


def _relative(folder: Path, path: Path) -> str:
    return path.relative_to(folder).as_posix()


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0
