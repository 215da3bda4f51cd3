"""Recovery: the files of a take a crash left in `recording` get true headers from their
journal, never more than it says was made durable; a sealed take's files keep every chunk
that authenticates, up to as much, and are marked finished. The studio finds those takes and
keeps what was recovered (`recording.recover()`), giving a sealed take's key."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from mt_studio.core.capture.file_seal import seal_for
from mt_studio.core.capture.journal import JOURNAL_NAME, read_journal
from mt_studio.core.capture.midi_capture import smf_from_log
from mt_studio.core.capture.sealed_wav import recover_part
from mt_studio.core.capture.take_capture import KeptPart
from mt_studio.core.capture.wav_stream import SampleFormat, repair
from mt_studio.core.domain import Dropout, TrackKind
from mt_studio.core.domain.takes import Take
from mt_studio.core.errors import MtStudioError

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


@dataclass(frozen=True)
class RepairedTake:
    """What the files of a crashed take hold once repaired: as many frames as every audio file
    holds and the journal says were durable, each part's frames and hash, the dropouts in
    them, and the hash of each MIDI track's file rewritten from its log (by track id)."""

    frames: int
    parts: tuple[KeptPart, ...]
    dropouts: tuple[Dropout, ...]
    midi_hashes: dict[int, str] = field(default_factory=dict)


def repair_take(library_folder: Path, take: Take, take_folder: str,
                take_key: bytes | None = None) -> RepairedTake:
    """Rewrite the headers of TAKE's files (in TAKE_FOLDER of LIBRARY_FOLDER) from its journal
    and write its MIDI file from the MIDI log, hashing each file as it is repaired; a MIDI
    part that cannot be recovered is logged, the audio kept. TAKE_KEY, a sealed take's key,
    opens its journal and MIDI log and finishes its sealed files (None: a plain take).
    Repairing a take again finds the same frames and hashes."""

    def seal(name: str | PurePosixPath):
        return seal_for(take_key, take.id, name)

    folder = library_folder / take_folder
    journal = read_journal(folder / JOURNAL_NAME, seal(PurePosixPath(take_folder, JOURNAL_NAME)))
    sample_format = SampleFormat(take.sample_format or SampleFormat.PCM24)
    durable = journal.durable_frames
    audio = [t for t in take.tracks if t.kind is TrackKind.AUDIO]
    kept = durable
    parts_by_track = {t.id: [p for p in journal.parts if p.track_id == t.id] for t in audio}
    repaired = []
    for track in audio:
        parts = parts_by_track[track.id]
        held = 0
        for index, part in enumerate(parts):
            end = parts[index + 1].first_frame if index + 1 < len(parts) else durable
            wanted = max(0, min(end, durable) - part.first_frame)
            path, part_seal = library_folder / part.file, seal(part.file)
            if not path.exists():
                frames, digest = 0, None
            elif part_seal is not None:
                frames, digest = recover_part(path, part_seal, take.samplerate, sample_format,
                                              wanted)
            else:
                frames, digest = repair(path, take.samplerate, sample_format, wanted)
            held += frames
            repaired.append(KeptPart(track.id, part.number, part.first_frame, frames, part.file,
                                     digest))
        kept = min(kept, held)
    midi_hashes = {}
    for track in take.tracks:
        if track.kind is TrackKind.MIDI:
            log_file = PurePosixPath(track.file).with_suffix(".midilog")
            try:
                _events, midi_hashes[track.id] = smf_from_log(
                    library_folder / log_file, library_folder / track.file, take.samplerate,
                    until_frame=kept, log_seal=seal(log_file), mid_seal=seal(track.file))
            except (MtStudioError, OSError) as error:
                log.warning("take %d: MIDI could not be recovered: %s", take.id, error)
    dropouts = tuple(Dropout(frame, min(length, kept - frame), cause)
                     for frame, length, cause in journal.dropouts if frame < kept)
    return RepairedTake(kept, tuple(repaired), dropouts, midi_hashes)

