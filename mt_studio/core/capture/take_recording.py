"""Recording a take: ask the consent policy, lay out the tracks, run the engines, close the take."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mt_studio.core.capture.audio_capture import (
    DISK_RESERVE_BYTES,
    AudioCapture,
    CaptureSettings,
    StopReason,
)
from mt_studio.core.capture.devices import AudioInputDevice, find_audio_input
from mt_studio.core.capture.midi_capture import MidiRecorder, find_midi_input, midi_log_to_smf
from mt_studio.core.capture.take_files import TakeFiles, TrackTarget
from mt_studio.core.capture.wav_stream import MAX_DATA_BYTES, SampleFormat, bytes_per_second
from mt_studio.core.consent_policy import RecordDecision, heard_on, may_record
from mt_studio.core.domain import Dropout, TakeStatus, TrackKind, TrackPlan
from mt_studio.core.errors import ConsentRefused, DeviceError, InputError, MtStudioError
from mt_studio.core.library import Library, consent_ledger, participants, sessions, takes
from mt_studio.core.library.clock import local_now
from mt_studio.i18n import _

log = logging.getLogger(__name__)

LOCK_NAME = "recording.lock"
MIDI_KEY = "midi"


@dataclass(frozen=True)
class TakeRequest:
    """What to record: which inputs of which device, who owns them, and how."""

    session_id: int
    device: str
    inputs: tuple[int, ...] | None = None
    owners: Mapping[int | str, tuple[int, ...]] = field(default_factory=dict)
    isolated: frozenset[int] = frozenset()
    midi: str | None = None
    samplerate: int | None = None
    blocksize: int = 0
    sample_format: SampleFormat = SampleFormat.PCM24
    duration_seconds: float | None = None
    split_bytes: int = MAX_DATA_BYTES
    ring_seconds: float = 4.0
    labels: Mapping[int, str] = field(default_factory=dict)  # instrument per input number


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


@dataclass(frozen=True)
class TakePlan:
    """What a take would record under the consent rules, and why not, before anything opens.

    `refusal` is the sentence to show when Record must stay off (it names who blocks it);
    `disarm_reasons` says, per disarmed input, whose missing consent disarmed it.
    """

    inputs: tuple[int, ...]
    tracks: tuple[TrackPlan, ...]
    present: tuple[int, ...]
    decision: RecordDecision
    armed: tuple[int, ...]
    disarmed: tuple[int, ...]
    record_midi: bool
    refusal: str | None
    disarm_reasons: Mapping[int | str, str] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        """True when Record may start."""
        return self.refusal is None


def plan_take(db: sqlite3.Connection, request: TakeRequest, inputs: Sequence[int],
              midi_port: str | None = None, at: datetime | None = None) -> TakePlan:
    """Decide, by the consent rules at AT (default now), which of INPUTS and MIDI_PORT record.

    The one place the rule is applied: `TakeRecording.start` and the Record button both ask it.
    """
    session = sessions.get(db, request.session_id)
    inputs = tuple(inputs)
    present = tuple(p.id for p in session.participants)
    tracks = [TrackPlan(str(n), frozenset(request.owners.get(n, ())), n in request.isolated)
              for n in inputs]
    if midi_port:
        tracks.append(TrackPlan(MIDI_KEY, frozenset(request.owners.get(MIDI_KEY, ())), True))
    people = set(present) | {p for owners in request.owners.values() for p in owners}
    ledger = tuple(consent_ledger.events(db, people))
    at = at or local_now()
    decision = may_record(tracks, present, ledger, at)
    names = participants.pseudonyms(db)
    armed = tuple(n for n in inputs if str(n) in decision.armed)
    disarmed = tuple(n for n in inputs if str(n) in decision.disarmed)
    record_midi = midi_port is not None and MIDI_KEY in decision.armed
    refusal = None
    if not decision.allowed:
        refusal = _("Recording refused: {why}.").format(why=decision.describe(names))
    elif not armed:
        refusal = _("Nothing can be recorded: every armed input belongs to "
                    "someone without consent to record.")
    reasons: dict[int | str, str] = {}
    for track in tracks:
        if track.key in decision.disarmed:
            lacking = may_record([TrackPlan(track.key, track.owners, False)], (), ledger, at)
            key = MIDI_KEY if track.key == MIDI_KEY else int(track.key)
            reasons[key] = lacking.describe(names)
    return TakePlan(inputs, tuple(tracks), present, decision, armed, disarmed, record_midi,
                    refusal, reasons)


class TakeRecording:
    """One take from consent check to closed files. `start()`, then `stop()` or `wait()`."""

    def __init__(self, library: Library, request: TakeRequest) -> None:
        self.library = library
        self.request = request
        self.device: AudioInputDevice | None = None
        self.capture: AudioCapture | None = None
        self.disarmed: tuple[int, ...] = ()
        self._midi: MidiRecorder | None = None
        self._lock_fd: int | None = None

    def start(self) -> None:
        """Check consent and the device, create the take, and start recording."""
        request = self.request
        db = self.library.connection
        session = sessions.get(db, request.session_id)
        self.device = find_audio_input(request.device)
        inputs = request.inputs or tuple(range(1, self.device.inputs + 1))
        _check_inputs(inputs, self.device, request)
        midi_port = find_midi_input(request.midi) if request.midi else None
        plan = plan_take(db, request, inputs, midi_port)
        if plan.refusal is not None:
            raise ConsentRefused(plan.refusal)
        plans, present, armed = plan.tracks, plan.present, plan.armed
        self.disarmed = plan.disarmed
        record_midi = plan.record_midi
        samplerate = request.samplerate or int(self.device.default_samplerate)
        _check_free_space(self.library.folder,
                          bytes_per_second(samplerate, len(armed), request.sample_format))

        labels = {**{i.number: i.label for i in session.inputs}, **request.labels}
        with self.library.transaction() as tx:
            self.take_id = takes.start(tx, session.id, samplerate,
                                       sample_format=request.sample_format.value,
                                       device=self.device.name)
            self.number = takes.get(tx, self.take_id).number
            audio_tracks = [
                takes.add_track(tx, self.take_id, TrackKind.AUDIO, input=n,
                                isolated=n in request.isolated, instrument=labels.get(n),
                                participant_ids=heard_on(plans[inputs.index(n)], present))
                for n in armed
            ]
            self.midi_track = takes.add_track(
                tx, self.take_id, TrackKind.MIDI, port=midi_port, isolated=True,
                participant_ids=heard_on(plans[-1], present)) if record_midi else None
        take_folder = takes.take_folder(self.take_id)
        self._hold_lock(self.library.folder / take_folder)
        try:
            self.files = TakeFiles(
                self.library.folder, take_folder,
                [TrackTarget(t.id, column, t.file) for column, t in enumerate(audio_tracks)],
                samplerate, request.sample_format, request.split_bytes)
        except BaseException as error:  # not one sample yet: the take goes, nothing else
            self._release_lock()
            with self.library.transaction() as tx:
                takes.discard(tx, self.take_id, str(error))
            raise
        self.audio_tracks = audio_tracks
        duration = (round(request.duration_seconds * samplerate)
                    if request.duration_seconds is not None else None)
        settings = CaptureSettings(
            device=self.device.index, inputs=tuple(armed), samplerate=samplerate,
            hostapi=self.device.hostapi,
            blocksize=request.blocksize, duration_frames=duration,
            ring_seconds=request.ring_seconds)
        self.capture = AudioCapture(settings, self.files, lambda: _free_bytes(self.library.folder),
                                    on_sync=self._flush_midi)
        try:
            self.capture.start()
            if self.midi_track is not None:
                self._midi = MidiRecorder(midi_port, self._midi_log(), self.capture.clock)
                self._midi.start()
        except BaseException as error:
            # Kept (its number is taken), but marked for what happened, not as a normal stop.
            self.capture.stop(StopReason.DEVICE_LOST if isinstance(error, DeviceError)
                              else StopReason.REQUESTED)
            self.finish()
            raise

    @property
    def midi_events(self) -> int:
        """MIDI messages recorded so far (0 without a MIDI track)."""
        return self._midi.events if self._midi is not None else 0

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the take to stop by itself (duration, disk, device); True if it has."""
        return self.capture.wait(timeout)

    def stop(self) -> TakeResult:
        """Stop now (or after the engine stopped by itself) and close the take."""
        self.capture.stop()
        return self.finish()

    def finish(self) -> TakeResult:
        """Close files and MIDI, and store the take's length, parts and dropouts."""
        if self._midi is not None:
            self._midi.stop()
        frames = self.files.finalize()
        if self.midi_track is not None:
            midi_log_to_smf(self._midi_log(), self.library.folder / self.midi_track.file,
                            self.files.samplerate, until_frame=frames)
        capture = self.capture
        reason = capture.stop_reason or StopReason.REQUESTED
        with self.library.transaction() as tx:
            for dropout in capture.dropouts:
                takes.add_dropout(tx, self.take_id, dropout.frame, dropout.length, dropout.cause)
            _store_parts(tx, self.files.parts, frames)
            takes.finish(tx, self.take_id, frames, status=TakeStatus.COMPLETE,
                         stop_reason=reason.value)
        self._release_lock()
        files = [self.library.folder / part.file for part in self.files.parts]
        if self.midi_track is not None:
            files.append(self.library.folder / self.midi_track.file)
        return TakeResult(self.take_id, self.number, frames, self.files.samplerate, tuple(files),
                          tuple(capture.dropouts), reason, capture.stop_detail, self.disarmed)

    def _flush_midi(self) -> None:
        if self._midi is not None:
            self._midi.flush()

    def _midi_log(self) -> Path:
        track = self.midi_track
        return self.library.folder / Path(track.file).with_suffix(".midilog")

    def _hold_lock(self, folder: Path) -> None:
        """Hold a lock for as long as this process records: recovery leaves locked takes alone."""
        folder.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(folder / LOCK_NAME, os.O_WRONLY | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def _store_parts(db, parts, frames: int) -> None:
    by_track: dict[int, list] = {}
    for part in parts:
        by_track.setdefault(part.track_id, []).append(part)
    for track_parts in by_track.values():
        for index, part in enumerate(track_parts):
            end = track_parts[index + 1].first_frame if index + 1 < len(track_parts) else frames
            takes.add_part(db, part.track_id, part.number, part.first_frame,
                           max(0, min(end, frames) - part.first_frame), part.file)


def _check_inputs(inputs: Sequence[int], device: AudioInputDevice, request: TakeRequest) -> None:
    for number in (*inputs, *request.isolated,
                   *(k for k in request.owners if isinstance(k, int))):
        if not 1 <= number <= device.inputs:
            raise InputError(_("Input {n} does not exist on {device}, which has {count}.").format(
                n=number, device=device.name, count=device.inputs))
    for number in request.isolated:
        if number not in inputs:
            raise InputError(_("Input {n} is marked isolated but is not recorded.").format(
                n=number))
        if not request.owners.get(number):
            raise InputError(_("Input {n} is marked isolated but has no owner; "
                               "give one with --assign {n}=PSEUDONYM.").format(n=number))


def _free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def _check_free_space(folder: Path, bytes_per_second: int) -> None:
    needed = DISK_RESERVE_BYTES + 60 * bytes_per_second
    free = _free_bytes(folder)
    if free < needed:
        raise MtStudioError(_(
            "Not enough free disk space to record: {free} MB free in {folder}, and at least "
            "{needed} MB are needed for a minute of these inputs.").format(
            free=free // 1_000_000, folder=folder, needed=needed // 1_000_000 + 1))
