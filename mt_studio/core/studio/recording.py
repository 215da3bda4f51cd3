"""Recording: what Record would record under the consent rules, takes recorded, the looper's
loops, and takes repaired after a crash.

The engines (capture, recovery's repair, the looper) touch only files and devices; this lays
a take out in the library, keeps what they captured, and announces TakeChanged once a take is
recording, when it is finished and when it is recovered (the looper's keeper does for each
layer kept, undone, redone or muted). A take that is refused, or whose files cannot be made
(it goes again before it held a sample), is never announced.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.capture.audio_capture import AudioCapture, CaptureSettings
from mt_studio.core.capture.devices import find_audio_input
from mt_studio.core.capture.midi_capture import find_midi_input
from mt_studio.core.capture.recovery import RecoveredTake, repair_take
from mt_studio.core.capture.take_capture import (
    TakeCapture,
    TakeResult,
    check_free_space,
    still_recording,
)
from mt_studio.core.capture.take_files import TrackTarget
from mt_studio.core.capture.take_plan import (
    MIDI_KEY,
    TakePlan,
    TakeRequest,
    check_inputs,
    plan_take,
)
from mt_studio.core.capture.wav_stream import bytes_per_second
from mt_studio.core.clock import local_now
from mt_studio.core.consent_policy import heard_on
from mt_studio.core.domain import TakeStatus, TrackKind
from mt_studio.core.domain.takes import WaitingTake
from mt_studio.core.errors import ConsentRefused
from mt_studio.core.library import consent_ledger, participants, sessions, spools, takes
from mt_studio.core.studio import encryption
from mt_studio.core.studio.events import TakeChanged
from mt_studio.core.studio.take_mover import StoreMove
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.looper import Looper
    from mt_studio.core.studio.studio import Studio

__all__ = ["MIDI_KEY", "RecoveredTake", "Recording", "RecordingService", "StoreMove",
           "TakePlan", "TakeRequest", "TakeResult", "WaitingTake"]

log = logging.getLogger(__name__)

RECOVERED = "recovered after the recorder stopped unexpectedly"


class RecordingService:
    """What a therapist does to record."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def plan(self, request: TakeRequest, inputs: Sequence[int] | None = None,
             midi_port: str | None = None) -> TakePlan:
        """Which of INPUTS (default: the request's) and the MIDI port would record now, and
        why not: the rule Record is enabled by, and the take applies again as it starts.
        LibraryReadOnly when the library is open read-only (nothing can be recorded)."""
        if self._studio.read_only is not None:
            from mt_studio.core.studio.ledger import LibraryReadOnly

            raise LibraryReadOnly(_("Recording is off: this library is open read-only (its "
                                    "ledger was changed outside mt_studio). Ask the service "
                                    "admin."))
        with self._studio._reading() as db:
            return read_plan(db, request, request.inputs if inputs is None else inputs,
                             request.midi if midi_port is None else midi_port)

    def start(self, request: TakeRequest) -> Recording:
        """Record a take: the consent rules and the device checked, the take made, the device
        recording when this returns. ConsentRefused, DeviceError, InputError or MtStudioError
        (no room on the disk) say why not."""
        studio = self._studio
        with studio._reading() as db:
            session = sessions.get(db, request.session_id)
            # Consent first, device second: a take refused is refused whatever the device.
            known = request.inputs or known_inputs(request)
            early = read_plan(db, request, known, request.midi)
        if not early.decision.allowed or (request.inputs and early.refusal is not None):
            raise ConsentRefused(early.refusal)
        device = find_audio_input(request.device)
        inputs = request.inputs or tuple(range(1, device.inputs + 1))
        check_inputs(inputs, device, request)
        midi_port = find_midi_input(request.midi) if request.midi else None
        with studio._reading() as db:
            plan = read_plan(db, request, inputs, midi_port)
        if plan.refusal is not None:
            raise ConsentRefused(plan.refusal)
        samplerate = request.samplerate or int(device.default_samplerate)
        check_free_space(self.disk_folder(),
                         bytes_per_second(samplerate, len(plan.armed), request.sample_format))

        labels = {**{i.number: i.label for i in session.inputs}, **request.labels}
        tracks, present = plan.tracks, plan.present
        with studio._transaction() as tx:
            take_id = takes.start(tx, session.id, samplerate,
                                  sample_format=request.sample_format.value, device=device.name)
            folder = studio._shared.places.note_recording(tx, take_id)  # a spool, on a server
            key = encryption.new_take_key(studio, tx, take_id)
            number = takes.get(tx, take_id).number
            audio = [takes.add_track(tx, take_id, TrackKind.AUDIO, input=n,
                                     isolated=n in request.isolated, instrument=labels.get(n),
                                     participant_ids=heard_on(tracks[inputs.index(n)], present))
                     for n in plan.armed]
            midi = takes.add_track(tx, take_id, TrackKind.MIDI, port=midi_port, isolated=True,
                                   participant_ids=heard_on(tracks[-1], present)
                                   ) if plan.record_midi else None
        duration = (round(request.duration_seconds * samplerate)
                    if request.duration_seconds is not None else None)
        settings = CaptureSettings(
            device=device.index, inputs=plan.armed, samplerate=samplerate,
            hostapi=device.hostapi, blocksize=request.blocksize, duration_frames=duration,
            ring_seconds=request.ring_seconds)
        engine = TakeCapture(
            folder, takes.take_folder(take_id),
            [TrackTarget(t.id, column, t.file) for column, t in enumerate(audio)], settings,
            request.sample_format, request.split_bytes,
            midi_port=midi_port if midi else None, midi_file=midi.file if midi else None,
            file_key=key, take_id=take_id)
        try:
            engine.open()
        except BaseException as error:  # not one sample yet: the take goes, nothing else
            with studio._transaction() as tx:
                takes.discard(tx, take_id, str(error))
            raise
        recording = Recording(studio, session.id, take_id, number, plan.disarmed, engine,
                              midi.id if midi else None)
        try:
            engine.start()
        except BaseException:
            recording._finish()  # kept (its number is taken), marked for what happened
            raise
        studio._announce(TakeChanged(take_id, session.id))  # recording: now it may be shown
        return recording

    def recover(self) -> list[RecoveredTake]:
        """Repair the takes a crash left `recording` (not those a live process still records,
        nor those in another computer's spool) from their journals, and keep them as
        recovered; what was recovered. Takes waiting in this computer's spool are then copied
        to the store, in a worker thread (`waiting_for_store`)."""
        studio = self._studio
        places = studio._shared.places
        with studio._reading() as db:
            left = [(take, places.where(db, take.id))
                    for take in takes.with_status(db, TakeStatus.RECORDING)]
            spool = places.spool(db)
        recovered = []
        for take, (library_folder, elsewhere) in left:
            folder = takes.take_folder(take.id)
            if elsewhere is not None or still_recording(library_folder / folder):
                continue
            key = encryption.take_key(studio, take.id) if studio._shared.library_key else None
            repaired = repair_take(library_folder, take, folder, key)
            with studio._transaction() as tx:
                if takes.get(tx, take.id).status is not TakeStatus.RECORDING:
                    continue  # another process recovered it meanwhile
                for dropout in repaired.dropouts:
                    takes.add_dropout(tx, take.id, dropout.frame, dropout.length, dropout.cause)
                for part in repaired.parts:
                    takes.add_part(tx, part.track_id, part.number, part.first_frame,
                                   part.frames, part.file, part.sha256)
                for track in take.tracks:
                    if track.id in repaired.midi_hashes:
                        takes.add_part(tx, track.id, 1, 0, repaired.frames, track.file,
                                       repaired.midi_hashes[track.id])
                takes.finish(tx, take.id, repaired.frames, status=TakeStatus.RECOVERED,
                             stop_reason=RECOVERED)
                studio._announce(TakeChanged(take.id, take.session_id))
            log.info("recovered take %d with %d frames", take.id, repaired.frames)
            recovered.append(RecoveredTake(take.id, take.session_id, take.number,
                                           repaired.frames, take.samplerate,
                                           len(repaired.dropouts)))
        if spool is not None:
            places.mover_for(studio).wake()
        return recovered

    def disk_folder(self) -> Path:
        """The folder takes are recorded into on this computer (its free space is what
        recording needs): this computer's spool of a service's library, else the library's."""
        with self._studio._reading() as db:
            return self._studio._shared.places.for_recording(db)

    def waiting_for_store(self) -> list[WaitingTake]:
        """The takes whose files wait in a computer's spool to be copied to the service's
        audio store (none for a library in a folder), the oldest first; `here` says whether
        it is this computer's spool, `problem` why the last try here did not copy one."""
        studio = self._studio
        places = studio._shared.places
        with studio._reading() as db:
            spool = places.spool(db)
            found = spools.waiting(db)
        problems = places.mover.problems if places.mover is not None else {}
        return [WaitingTake(t.take_id, t.session_id, t.number, t.computer,
                            spool is not None and t.spool == spool.id,
                            problems.get(t.take_id, "")) for t in found]

    def move_to_store(self) -> list[StoreMove]:
        """Copy the takes waiting in this computer's spool to the audio store now, each
        checked there before the spool lets go of it; what became of each (a take being
        recorded, or that cannot be copied now, waits: it is copied at the next try)."""
        studio = self._studio
        with studio._reading() as db:
            spool = studio._shared.places.spool(db)
        return [] if spool is None else studio._shared.places.mover_for(studio).move_waiting()

    def files_now(self, result: TakeResult) -> TakeResult:
        """RESULT with its files where they are now (in the store once it was copied there)."""
        with self._studio._reading() as db:
            spool = self._studio._shared.places.spool(db)
            folder, _elsewhere = self._studio._shared.places.where(db, result.take_id)
        if spool is None or folder == spool.folder:
            return result
        return replace(result, files=tuple(
            folder / path.relative_to(spool.folder) if path.is_relative_to(spool.folder)
            else path for path in result.files))

    def looper(self, session_id: int, device: str, samplerate: int, inputs: int, *,
               round_trip: int = 0) -> Looper:
        """A looper for SESSION_ID on DEVICE (not open yet: `start()` opens it), its layers
        kept in a take of the session, consent asked for each."""
        from mt_studio.core.looper import Looper
        from mt_studio.core.studio.layer_keeper import SessionLayerKeeper

        keeper = SessionLayerKeeper(self._studio, session_id, device, samplerate)
        return Looper(keeper, device, samplerate, inputs, round_trip=round_trip)


class Recording:
    """A take being recorded, as `RecordingService.start` returns it: its `number` and
    `take_id`, the inputs `disarmed` for consent, `capture` (the audio engine: meters, clock,
    dropouts) and `midi_events`; `wait()` for it to stop by itself, `stop()` to end and keep it.
    """

    def __init__(self, studio: Studio, session_id: int, take_id: int, number: int,
                 disarmed: tuple[int, ...], engine: TakeCapture,
                 midi_track: int | None = None) -> None:
        self._studio = studio
        self._actor = studio.actor  # who started it: the take is kept as theirs under a lock
        self.session_id = session_id
        self.take_id = take_id
        self.number = number
        self.disarmed = disarmed
        self._engine = engine
        self._midi_track = midi_track

    @property
    def capture(self) -> AudioCapture:
        """The audio engine recording the take."""
        return self._engine.capture

    @property
    def midi_events(self) -> int:
        """MIDI messages recorded so far (0 without a MIDI track)."""
        return self._engine.midi_events

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the take to stop by itself (duration, disk, device); True if it has."""
        return self._engine.wait(timeout)

    def stop(self) -> TakeResult:
        """Stop now (or after it stopped by itself) and keep the take."""
        self._engine.stop()
        return self._finish()

    def _finish(self) -> TakeResult:
        """Close the files and keep the take's length, parts and dropouts (once stopped)."""
        captured = self._engine.finish()
        with self._studio._transaction(actor=self._actor) as tx:
            for dropout in captured.dropouts:
                takes.add_dropout(tx, self.take_id, dropout.frame, dropout.length, dropout.cause)
            for part in captured.parts:
                takes.add_part(tx, part.track_id, part.number, part.first_frame, part.frames,
                               part.file, part.sha256)
            if self._midi_track is not None and captured.midi_sha256 is not None:
                takes.add_part(tx, self._midi_track, 1, 0, captured.frames,
                               self._engine.midi_file, captured.midi_sha256)
            takes.finish(tx, self.take_id, captured.frames, status=TakeStatus.COMPLETE,
                         stop_reason=captured.stop_reason.value)
            self._studio._announce(TakeChanged(self.take_id, self.session_id))
        self._engine.release()
        if self._engine.library_folder != self._studio.folder:  # in the spool: to the store
            self._studio._shared.places.mover_for(self._studio).wake()
        return TakeResult(self.take_id, self.number, captured.frames, captured.samplerate,
                          captured.files, captured.dropouts, captured.stop_reason,
                          captured.stop_detail, self.disarmed)


def known_inputs(request: TakeRequest) -> tuple[int, ...]:
    """The inputs a request for all of a device's inputs records whatever the device is: the
    first, and those it gives owners or marks isolated."""
    named = {k for k in request.owners if isinstance(k, int)} | set(request.isolated)
    return tuple(sorted({1} | named))


def read_plan(db: Connection, request: TakeRequest, inputs: Sequence[int],
              midi_port: str | None, at: datetime | None = None) -> TakePlan:
    """The plan of REQUEST (`plan_take`) with the session's attendance, the ledger and the
    pseudonyms read from DB, at AT (default now)."""
    present = [p.id for p in sessions.get(db, request.session_id).participants]
    ledger = consent_ledger.events(db, request.people(present))
    return plan_take(request, inputs, midi_port, present=present, ledger=ledger,
                     names=participants.pseudonyms(db), at=at or local_now())
