"""A take's files written out plain (`encryption.extract`): each audio part as a WAV in the
format it was recorded in, each MIDI file as a Standard MIDI File, after checking every file
against the hash it was recorded with."""

from __future__ import annotations

import os
from pathlib import Path

import soundfile as sf

from mt_studio.core.capture.part_check import check_sound, damaged_file
from mt_studio.core.domain.sound import TakeSound
from mt_studio.core.durable_files import create_exclusively, sync_folder
from mt_studio.core.errors import InputError
from mt_studio.core.sealing.files import read_plain
from mt_studio.core.waveform import open_track_file
from mt_studio.i18n import _

_BLOCK_FRAMES = 1 << 18
_SUBTYPES = {"pcm24": "PCM_24", "float32": "FLOAT"}


def write(sound: TakeSound, folder: Path) -> list[Path]:
    """Write SOUND's files into FOLDER (made if missing) and return them; nothing is written
    over: a name already there is an InputError naming it, before anything is written."""
    for check in check_sound(sound):
        if not check.usable:
            raise damaged_file(check)
    take = sound.take
    planned = []
    for track in sound.tracks:
        for number, path in enumerate(track.files, start=1):
            part = f"-part{number}" if len(track.files) > 1 else ""
            suffix = ".mid" if track.is_midi else ".wav"
            planned.append((path, folder / f"take-{take.id}-track-{track.id}{part}{suffix}",
                            track.is_midi))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(_("Cannot make the folder {folder}: {reason}").format(
            folder=folder, reason=error.strerror or error)) from None
    for _source, target, _midi in planned:
        if target.exists():
            raise InputError(_("{file} is already there; nothing was written over. Choose an "
                               "empty folder.").format(file=target))
    written = []
    for source, target, is_midi in planned:
        if is_midi:
            _write_midi(source, target)
        else:
            _write_audio(source, target, _SUBTYPES.get(take.sample_format, "FLOAT"))
        written.append(target)
    sync_folder(folder)
    return written


def _write_audio(source: Path, target: Path, subtype: str) -> None:
    # 24-bit samples go through 32-bit integers, which carry them exactly both ways.
    dtype = "int32" if subtype == "PCM_24" else "float32"
    with open_track_file(source) as file, sf.SoundFile(
            target, "x", file.samplerate, 1, subtype, format="WAV") as out:
        while len(samples := file.read(_BLOCK_FRAMES, dtype=dtype)):
            out.write(samples)


def _write_midi(source: Path, target: Path) -> None:
    data = read_plain(source)
    fd = create_exclusively(target)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
