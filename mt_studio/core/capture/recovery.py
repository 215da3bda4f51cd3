"""Recovery: takes a crash left in `recording` get true headers from their journal, never more."""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from mt_studio.core.capture.journal import JOURNAL_NAME, read_journal
from mt_studio.core.capture.midi_capture import midi_log_to_smf
from mt_studio.core.capture.take_recording import LOCK_NAME
from mt_studio.core.capture.wav_stream import SampleFormat, repair
from mt_studio.core.domain import TakeStatus, TrackKind
from mt_studio.core.errors import MtStudioError
from mt_studio.core.library import Library, takes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecoveredTake:
    """A take brought back after a crash, and how much of it was durable."""

    take_id: int
    session_id: int
    number: int
    frames: int
    samplerate: int
    dropouts: int


def recover_takes(library: Library) -> list[RecoveredTake]:
    """Recover every take left `recording` by a process that is gone; returns what was done."""
    recovered = []
    for take in takes.with_status(library.connection, TakeStatus.RECORDING):
        folder = library.folder / takes.take_folder(take.id)
        if _still_recording(folder):
            continue
        recovered.append(_recover(library, take, folder))
    return recovered


def _recover(library: Library, take: takes.Take, folder: Path) -> RecoveredTake:
    journal = read_journal(folder / JOURNAL_NAME)
    sample_format = SampleFormat(take.sample_format or SampleFormat.PCM24)
    durable = journal.durable_frames
    audio = [t for t in take.tracks if t.kind is TrackKind.AUDIO]
    kept = durable
    parts_by_track = {t.id: [p for p in journal.parts if p.track_id == t.id] for t in audio}
    stored_parts = []
    for track in audio:
        parts = parts_by_track[track.id]
        held = 0
        for index, part in enumerate(parts):
            end = parts[index + 1].first_frame if index + 1 < len(parts) else durable
            wanted = max(0, min(end, durable) - part.first_frame)
            path = library.folder / part.file
            frames = repair(path, take.samplerate, sample_format, wanted) if path.exists() else 0
            held += frames
            stored_parts.append((track.id, part.number, part.first_frame, frames, part.file))
        kept = min(kept, held)
    for track in take.tracks:
        if track.kind is TrackKind.MIDI:
            log_path = library.folder / Path(track.file).with_suffix(".midilog")
            try:
                midi_log_to_smf(log_path, library.folder / track.file, take.samplerate,
                                until_frame=kept)
            except (MtStudioError, OSError) as error:
                log.warning("take %d: MIDI could not be recovered: %s", take.id, error)
    dropouts = [d for d in journal.dropouts if d[0] < kept]
    with library.transaction() as db:
        for frame, length, cause in dropouts:
            takes.add_dropout(db, take.id, frame, min(length, kept - frame), cause)
        for track_id, number, first, frames, file in stored_parts:
            takes.add_part(db, track_id, number, first, frames, file)
        takes.finish(db, take.id, kept, status=TakeStatus.RECOVERED,
                     stop_reason="recovered after the recorder stopped unexpectedly")
    log.info("recovered take %d with %d frames", take.id, kept)
    return RecoveredTake(take.id, take.session_id, take.number, kept, take.samplerate,
                         len(dropouts))


def _still_recording(folder: Path) -> bool:
    """True if a live process holds the take's lock (a crashed one has let go of it)."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_WRONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
