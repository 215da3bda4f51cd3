"""The engines of one take being recorded, around the audio callback and the writer: the lock
that tells recovery the take is live, its files, the audio input and the MIDI port.

It knows nothing of the library: the studio lays the take out (its folder, its tracks' files)
and stores what `finish` says was captured.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mt_studio.core.capture.audio_capture import (
    DISK_RESERVE_BYTES,
    AudioCapture,
    CaptureSettings,
    StopReason,
)
from mt_studio.core.capture.file_seal import FileSeal, seal_for
from mt_studio.core.capture.journal import FilePart
from mt_studio.core.capture.midi_capture import MidiRecorder, smf_from_log
from mt_studio.core.capture.take_files import TakeFiles, TrackTarget
from mt_studio.core.capture.wav_stream import SampleFormat
from mt_studio.core.domain import Dropout
from mt_studio.core.errors import DeviceError, MtStudioError
from mt_studio.i18n import _

LOCK_NAME = "recording.lock"


@dataclass(frozen=True)
class KeptPart:
    """One file of a track as the library keeps it: where it begins, the frames it holds
    and the SHA-256 of its samples (FILE is relative to the library folder; SHA256 None: not
    known)."""

    track_id: int
    number: int
    first_frame: int
    frames: int
    file: str
    sha256: str | None = None


@dataclass(frozen=True)
class CapturedTake:
    """What a take's engines captured once every file is closed."""

    frames: int
    samplerate: int
    parts: tuple[KeptPart, ...]
    dropouts: tuple[Dropout, ...]
    stop_reason: StopReason
    stop_detail: str
    files: tuple[Path, ...]  # every part, then the MIDI file if there is one
    midi_sha256: str | None = None  # the MIDI file's, as it was written


@dataclass(frozen=True)
class TakeResult:
    """A finished take: where its files are, how long it is, and why it stopped."""

    take_id: int
    number: int
    frames: int
    samplerate: int
    files: tuple[Path, ...]
    dropouts: tuple[Dropout, ...]
    stop_reason: StopReason
    stop_detail: str
    disarmed: tuple[int, ...]

    @property
    def stopped_by_trouble(self) -> bool:
        """True when the take ended because something went wrong, not because it was asked to."""
        return self.stop_reason not in (StopReason.REQUESTED, StopReason.DURATION)


class TakeCapture:
    """Records one take laid out in LIBRARY_FOLDER: audio TRACKS into TAKE_FOLDER (relative to
    it) as SETTINGS say, and the MIDI port MIDI_PORT into MIDI_FILE.

    `open()` holds the take's lock and makes its files, `start()` starts the device and the
    port, then `stop()` (or it stops by itself: duration, disk, device) and `finish()` closes
    every file and says what was captured; `release()` lets go of the lock once the caller
    has kept that. `capture` is the audio engine (meters, clock, dropouts) once started.

    With FILE_KEY, the take's key, every file of take TAKE_ID is sealed under it (its parts,
    journal, MIDI log and MIDI file); None records plain files.
    """

    def __init__(self, library_folder: Path, take_folder: str, tracks: Sequence[TrackTarget],
                 settings: CaptureSettings, sample_format: SampleFormat, split_bytes: int, *,
                 midi_port: str | None = None, midi_file: str | None = None,
                 file_key: bytes | None = None, take_id: int | None = None) -> None:
        if file_key is not None and take_id is None:
            raise ValueError("a take key needs the take's id")
        self.library_folder = library_folder
        self.take_folder = take_folder
        self.tracks = tuple(tracks)
        self.settings = settings
        self.sample_format = sample_format
        self.split_bytes = split_bytes
        self.midi_port = midi_port
        self.midi_file = midi_file
        self._key, self._take_id = file_key, take_id
        self.files: TakeFiles | None = None
        self.capture: AudioCapture | None = None
        self._midi: MidiRecorder | None = None
        self._lock_fd: int | None = None

    def open(self) -> None:
        """Hold the take's lock and make its files; if they cannot be made, none is left, the
        lock goes too, and the error is raised."""
        self._lock_fd = hold_lock(self.library_folder / self.take_folder)
        try:
            self.files = TakeFiles(self.library_folder, self.take_folder, self.tracks,
                                   self.settings.samplerate, self.sample_format, self.split_bytes,
                                   file_key=self._key, take_id=self._take_id)
        except BaseException:
            self.release()
            raise

    def start(self) -> None:
        """Start the device and the MIDI port: recording when this returns. If either refuses,
        the audio stops, marked for what happened (a DeviceError: the device was lost), and
        the error is raised; `finish()` then closes what there is."""
        self.capture = AudioCapture(self.settings, self.files,
                                    lambda: free_bytes(self.library_folder),
                                    on_sync=self._flush_midi)
        try:
            self.capture.start()
            if self.midi_port is not None:
                self._midi = MidiRecorder(self.midi_port, self._midi_log(), self.capture.clock,
                                          seal=self._seal(self._midi_log()))
                self._midi.start()
        except BaseException as error:
            self.capture.stop(StopReason.DEVICE_LOST if isinstance(error, DeviceError)
                              else StopReason.REQUESTED)
            raise

    @property
    def midi_events(self) -> int:
        """MIDI messages recorded so far (0 without a MIDI port)."""
        return self._midi.events if self._midi is not None else 0

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the take to stop by itself (duration, disk, device); True if it has."""
        return self.capture.wait(timeout)

    def stop(self) -> None:
        """Stop now (nothing happens if it stopped by itself) and wait for the files."""
        self.capture.stop()

    def finish(self) -> CapturedTake:
        """Close the MIDI port and every file, with true headers; what the take holds. The
        lock is held on until `release()`: recovery leaves the take alone until it is kept."""
        if self._midi is not None:
            self._midi.stop()
        files = self.files
        frames = files.finalize()
        midi_sha256 = None
        if self.midi_file is not None:
            mid = self.library_folder / self.midi_file
            _events, midi_sha256 = smf_from_log(
                self._midi_log(), mid, files.samplerate, until_frame=frames,
                log_seal=self._seal(self._midi_log()), mid_seal=self._seal(mid))
        capture = self.capture
        paths = [self.library_folder / part.file for part in files.parts]
        if self.midi_file is not None:
            paths.append(self.library_folder / self.midi_file)
        return CapturedTake(frames, files.samplerate,
                            kept_parts(files.parts, frames, files.hashes),
                            tuple(capture.dropouts), capture.stop_reason or StopReason.REQUESTED,
                            capture.stop_detail, tuple(paths), midi_sha256)

    def release(self) -> None:
        """Let go of the take's lock (recovery may repair it from now on)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _flush_midi(self) -> None:
        if self._midi is not None:
            self._midi.flush()

    def _midi_log(self) -> Path:
        return self.library_folder / Path(self.midi_file).with_suffix(".midilog")

    def _seal(self, path: Path) -> FileSeal | None:
        """The seal of the take's file at PATH; None for a plain take."""
        return seal_for(self._key, self._take_id,
                        path.relative_to(self.library_folder).as_posix())


def kept_parts(parts: Sequence[FilePart], frames: int,
               hashes: Mapping[str, str | None]) -> tuple[KeptPart, ...]:
    """PARTS of a take FRAMES long, each with the frames it holds (up to the next part of its
    track, or the end) and its samples' hash from HASHES (by file)."""
    by_track: dict[int, list[FilePart]] = {}
    for part in parts:
        by_track.setdefault(part.track_id, []).append(part)
    kept = []
    for track_parts in by_track.values():
        for index, part in enumerate(track_parts):
            end = track_parts[index + 1].first_frame if index + 1 < len(track_parts) else frames
            kept.append(KeptPart(part.track_id, part.number, part.first_frame,
                                 max(0, min(end, frames) - part.first_frame), part.file,
                                 hashes.get(part.file)))
    return tuple(kept)


def hold_lock(folder: Path) -> int:
    """Make FOLDER and hold its take's lock for as long as this process records (the file
    descriptor): recovery leaves locked takes alone."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_WRONLY | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def still_recording(folder: Path) -> bool:
    """True if a live process holds the lock of the take in FOLDER (a crashed one has let go
    of it)."""
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


def try_hold_lock(folder: Path) -> int | bool | None:
    """Hold the lock of the take in FOLDER if no live process does (the descriptor, to close
    when done); False when one does, None when there is no such folder."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_WRONLY | os.O_CREAT, 0o600)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    return fd


def free_bytes(folder: Path) -> int:
    """Bytes free on the disk holding FOLDER."""
    return shutil.disk_usage(folder).free


def check_free_space(folder: Path, bytes_per_second: int) -> None:
    """MtStudioError unless FOLDER's disk has room for a minute at BYTES_PER_SECOND, and the
    reserve the library and the system need."""
    needed = DISK_RESERVE_BYTES + 60 * bytes_per_second
    free = free_bytes(folder)
    if free < needed:
        raise MtStudioError(_(
            "Not enough free disk space to record: {free} MB free in {folder}, and at least "
            "{needed} MB are needed for a minute of these inputs.").format(
            free=free // 1_000_000, folder=folder, needed=needed // 1_000_000 + 1))
