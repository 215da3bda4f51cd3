"""The sound of a take's MIDI tracks: rendered once by the GM synthesizer (synth.py) into the
library's `cache/midi/`, then read like any audio track by the player, practice versions and
an exported mix. Nothing synthesizes in the audio callback.

A render is named by everything it is made from (the MIDI file's path in the library, size and
modification time; the soundfont's path, size and modification time; FluidSynth's version; the
take's sample rate and length; FORMAT_VERSION), is checked before it is used, and is made again
when missing or damaged; it appears whole or not at all, sealed with its take's key when its
MIDI file is sealed. Renders are made from health data: `remove_stale_midi_renders` deletes
those whose MIDI file is gone or changed, and the least used go first beyond CACHE_LIMIT_BYTES.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import soundfile as sf

from mt_studio.core.capture.audio_capture import DISK_RESERVE_BYTES
from mt_studio.core.durable_files import sync_folder
from mt_studio.core.errors import InputError, LibraryError
from mt_studio.core.practice import RECORDING_ROOM_BYTES, usable_render
from mt_studio.core.sealing.files import sealing_for
from mt_studio.core.synth import Cancelled, find_soundfont, render_midi, synth_version
from mt_studio.i18n import _

log = logging.getLogger(__name__)

CACHE_FOLDER = Path("cache") / "midi"
FORMAT_VERSION = 1  # raise when a change in the code makes earlier renders sound different
CACHE_LIMIT_BYTES = 2 << 30  # renders kept at most; the least used go first
STALE_PARTIAL_SECONDS = 3600


def midi_track_sound(library_folder: Path, midi_path: Path, samplerate: int, frames: int, *,
                     cancelled: Cancelled | None = None) -> Path:
    """The mono WAV of FRAMES frames at SAMPLERATE that the MIDI file at MIDI_PATH sounds as,
    from the cache or rendered now (a worker's call: a long take takes seconds).

    SynthUnavailable (an InputError) when no synthesizer or soundfont can be used, InputError
    for a missing or malformed MIDI file, LibraryError when the cache cannot be written, and
    synth.RenderCancelled when CANCELLED says so (nothing is left behind).
    """
    folder = Path(library_folder) / CACHE_FOLDER
    made_from = _made_from(Path(library_folder), Path(midi_path), samplerate, frames)
    key = hashlib.sha256(json.dumps(made_from, sort_keys=True).encode()).hexdigest()[:32]
    path = folder / f"{key}.wav"
    sealing = sealing_for(path, [Path(midi_path)])  # before a render that cannot be read goes
    if usable_render(path, frames, samplerate):
        return path
    _make_room(folder, frames * 4)
    started = time.monotonic()
    temporary = folder / f".{path.name}.{uuid.uuid4().hex[:8]}.part"
    try:
        render_midi(midi_path, temporary, samplerate, frames,
                    soundfont=Path(made_from["soundfont"][0]), cancelled=cancelled,
                    sealing=sealing)
        with open(temporary, "rb+") as written:  # on disk before it counts: never silence
            os.fsync(written.fileno())
        os.replace(temporary, path)
        sync_folder(folder)
        path.with_suffix(".json").write_text(json.dumps(made_from), encoding="utf-8")
    except (OSError, sf.SoundFileError) as error:
        path.unlink(missing_ok=True)
        raise _unwritable(folder, error) from None
    finally:
        temporary.unlink(missing_ok=True)
    log.info("rendered %s in %.2f s", midi_path, time.monotonic() - started)
    return path


def sounding_tracks(library_folder: Path, tracks: Sequence[tuple[int, list[Path], bool]],
                    samplerate: int, frames: int, *, cancelled: Cancelled | None = None
                    ) -> tuple[list[tuple[int, list[Path]]], str | None]:
    """TRACKS (id, files, whether MIDI) as they sound: (id, files) with each MIDI track's .mid
    replaced by its sound, leaving out those that cannot sound; and why not, in plain words
    (None when all can)."""
    sounding, problems = [], []
    for track_id, paths, is_midi in tracks:
        if is_midi:
            try:
                paths = [midi_track_sound(library_folder, paths[0], samplerate, frames,
                                          cancelled=cancelled)]
            except (InputError, LibraryError) as error:
                log.warning("the MIDI track %d is not heard: %s", track_id, error)
                problems.append(str(error))
                continue
        sounding.append((track_id, list(paths)))
    return sounding, (problems[0] if problems else None)


def remove_stale_midi_renders(library_folder: Path) -> int:
    """Delete rendered MIDI parts whose MIDI file is gone or changed (e.g. after a take was
    deleted), and leftovers of renders that died; how many files were removed."""
    folder = Path(library_folder) / CACHE_FOLDER
    if not folder.is_dir():
        return 0
    removed = 0
    for path in sorted(folder.iterdir()):
        if path.suffix == ".part":
            stale = time.time() - path.stat().st_mtime > STALE_PARTIAL_SECONDS
        elif path.suffix == ".wav":
            stale = not _source_unchanged(Path(library_folder), path.with_suffix(".json"))
        elif path.suffix == ".json":
            stale = not path.with_suffix(".wav").exists()
        else:
            continue
        if stale:
            path.unlink(missing_ok=True)
            if path.suffix == ".wav":
                path.with_suffix(".json").unlink(missing_ok=True)
            removed += 1
    return removed


def renders_of(library_folder: Path, midi_files: set[str]) -> list[Path]:
    """The cached sound (and descriptions) of any of MIDI_FILES (library-relative paths):
    what goes with a deleted take."""
    folder = Path(library_folder) / CACHE_FOLDER
    found = []
    for description in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            midi = json.loads(description.read_text(encoding="utf-8"))["midi"][0]
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            continue  # unreadable: the stale-file sweep removes it
        if midi in midi_files:
            found += [path for path in (description.with_suffix(".wav"), description)
                      if path.exists()]
    return found


def _made_from(library_folder: Path, midi_path: Path, samplerate: int, frames: int) -> dict:
    """Everything a render depends on, as JSON."""
    soundfont = find_soundfont()
    try:
        midi, font = midi_path.stat(), soundfont.stat()
    except FileNotFoundError:
        raise InputError(_("The MIDI file {file} is missing.").format(file=midi_path)) from None
    return {"format": FORMAT_VERSION, "synth": f"fluidsynth {synth_version()}",
            "soundfont": [str(soundfont), font.st_size, font.st_mtime_ns],
            "midi": [_relative(library_folder, midi_path), midi.st_size, midi.st_mtime_ns],
            "samplerate": samplerate, "frames": frames}


def _make_room(folder: Path, needed: int) -> None:
    """Delete the renders used least recently until the cache, with NEEDED bytes more, holds
    at most CACHE_LIMIT_BYTES; LibraryError when the disk has no room for NEEDED bytes and the
    next take besides."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        renders = sorted(folder.glob("*.wav"), key=lambda path: path.stat().st_atime)
        held = sum(path.stat().st_size for path in renders)
        for path in renders:
            if held + needed <= CACHE_LIMIT_BYTES:
                break
            held -= path.stat().st_size
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)
        free = shutil.disk_usage(folder).free
    except OSError as error:
        raise _unwritable(folder, error) from None
    if needed + DISK_RESERVE_BYTES + RECORDING_ROOM_BYTES > free:
        # Hearing a MIDI part must never leave a take without room to be recorded.
        raise LibraryError(_("There is not enough free disk space in {folder} for the sound "
                             "of the MIDI part ({needed} MB are needed).").format(
                                 folder=folder, needed=max(1, needed >> 20)))


def _unwritable(folder: Path, error: Exception) -> LibraryError:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else error
    return LibraryError(_("The sound of the MIDI part cannot be written in {folder}: "
                          "{reason}").format(folder=folder, reason=reason))


def _source_unchanged(library_folder: Path, description: Path) -> bool:
    try:
        name, size, mtime = json.loads(description.read_text(encoding="utf-8"))["midi"]
        status = (library_folder / name).stat()
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return (status.st_size, status.st_mtime_ns) == (size, mtime)


def _relative(library_folder: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(library_folder.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())
