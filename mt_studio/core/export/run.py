"""Running an export: plan, write into a hidden folder, check consent again, log, publish.

The engine never holds the library: the studio hands it what the plan is made from, the take
as it sounds, and a gate (`ExportGate`) to the library for what must happen while it runs.
The files are written into a hidden folder beside the destination, by worker threads, while
the calling thread watches: it asks the gate to check the ledger again every half second, and
on a withdrawal, a cancel or any error it stops the workers and removes everything written.
Only when all is on disk, and the gate has logged the export in a transaction that found the
ledger still allowing it, is the folder given its real name.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile as sf

from mt_studio.core.clock import utc_now
from mt_studio.core.domain import TrackKind
from mt_studio.core.domain.records import ExportedFile
from mt_studio.core.domain.sound import TakeSound
from mt_studio.core.domain.takes import StoredAnnotation
from mt_studio.core.durable_files import sync_folder
from mt_studio.core.errors import ConsentRefused, InputError, MtStudioError
from mt_studio.core.export import audio, midi, package
from mt_studio.core.export.plan import ExportFacts, ExportPlan, names_in, plan_from
from mt_studio.core.export.request import ExportRequest
from mt_studio.core.midi_audio import midi_track_sound
from mt_studio.core.plugins import (
    Annotation,
    ExportContext,
    PluginFailed,
    PluginHost,
    PluginState,
    TakeAudio,
)
from mt_studio.core.plugins.take_audio import sound_of
from mt_studio.core.presets.model import AudioFormat
from mt_studio.core.private_files import FILE_MODE, FOLDER_MODE
from mt_studio.core.synth import RenderCancelled
from mt_studio.i18n import _

log = logging.getLogger(__name__)

RECHECK_SECONDS = 0.5
STUCK_SECONDS = 10.0  # how long a stopped export waits for its worker before it cleans up
_PARTIAL = ".partial-"
_SENTINEL = ".mt-studio-export"  # in a hidden folder of an export being written
FULL_DISK_BYTES = 1 << 20  # a write that failed with less free than this met a full disk


class ExportCancelled(MtStudioError):
    """The export was cancelled; nothing of it was left behind."""


class ExportFailed(MtStudioError):
    """The files could not be written (a full disk, for example); nothing was left behind."""


@dataclass(frozen=True)
class ExportResult:
    """A finished export: where it went, its files, and its loudness when normalized."""

    export_id: int
    folder: Path
    zip: Path | None
    files: tuple[ExportedFile, ...]
    plan: ExportPlan
    loudness: dict | None


class ExportGate(Protocol):
    """What an export needs of the library while it runs; the studio's sharing service gives
    it, so that the engine never holds the library."""

    def recheck(self, plan: ExportPlan) -> None:
        """ConsentRefused, naming who blocks it, unless the ledger as it stands now still
        allows PLAN."""

    def log(self, plan: ExportPlan, where: Path, files: Sequence[ExportedFile]) -> int:
        """Log the export of PLAN to WHERE with its FILES in one transaction that first finds
        the ledger still allowing it; the export's id, or ConsentRefused having logged
        nothing."""


def run_export(request: ExportRequest, facts: ExportFacts, sound: TakeSound, gate: ExportGate,
               *, found: Sequence[StoredAnnotation] = (),
               progress: Callable[[float], None] | None = None,
               cancelled: Callable[[], bool] | None = None,
               plugins: PluginHost | None = None) -> ExportResult:
    """Export as REQUEST asks, or raise (ConsentRefused, InputError, ExportCancelled,
    ExportFailed, PluginFailed) having written nothing. FACTS are what it is planned from,
    SOUND the take as it sounds (its files), FOUND what analyses found in it; GATE checks the
    ledger again while the files are written and logs the export before it is published.
    PROGRESS gets 0..1 and CANCELLED is polled, both on the calling thread; PLUGINS offers the
    request's effects and exporters."""
    plan = plan_from(facts, request, utc_now())
    extras = _Extras.of(sound, plan, found, plugins, cancelled)
    destination = _destination(request.destination)
    _sweep_stale_partials(destination)
    stem = package.safe_name(plan.title, _("export"))
    # The names are reserved first (an empty folder, an empty zip), so that no other export
    # takes them meanwhile; the files are written into a hidden folder beside them.
    folder = _reserve(destination, stem)
    zip_path = _reserve(destination, folder.name, ".zip") if request.zip else None
    partial: Path | None = None
    job: _Job | None = None
    logged = False
    try:
        partial = Path(tempfile.mkdtemp(prefix=f".{stem}{_PARTIAL}{os.getpid()}-",
                                        dir=destination))
        (partial / _SENTINEL).write_text(json.dumps(
            {"folder": folder.name, "zip": zip_path.name if zip_path else None}))
        job = _Job(plan, extras, partial, stem, folder.name)
        _watch(gate, plan, job, progress, cancelled)
        files = [ExportedFile(f"{folder.name}/{f.name}", f.bytes, f.sha256) for f in job.files]
        if zip_path is not None:
            files.append(dataclasses.replace(job.zip_checksum, name=zip_path.name))
        export_id = gate.log(plan, folder, files)  # logged before it is published, never after
        logged = True
        if zip_path is not None:
            os.replace(job.zip_file, zip_path)  # over its own empty reservation
        (partial / _SENTINEL).unlink()
        os.rename(partial, folder)  # onto its own empty reservation
        sync_folder(destination)
    except BaseException:
        if job is not None:
            job.stop.set()
            if not job.wait(STUCK_SECONDS):  # a plugin's exporter that will not stop
                log.warning("the export's worker did not stop; its files are removed anyway")
        if partial is not None:
            shutil.rmtree(partial, ignore_errors=True)
        if not logged:
            _release(folder, zip_path)
        raise
    return ExportResult(export_id, folder, zip_path, tuple(files), plan,
                        job.loudness)


class _Job:
    """The writing, on worker threads: audio (two files at a time), MIDI, texts, manifest, zip."""

    def __init__(self, plan: ExportPlan, extras: _Extras, folder: Path, stem: str,
                 inner: str) -> None:
        self.plan, self.extras, self.folder, self.inner = plan, extras, folder, inner
        self.stop = threading.Event()
        self.files: list[ExportedFile] = []
        self.loudness: dict | None = None
        self.zip_file = folder / ".package.zip"  # moved out when the export is published
        self.zip_checksum: ExportedFile | None = None
        self.error: BaseException | None = None
        fmt = plan.request.format
        self.audio_names, self.midi_names = _file_names(plan, stem, fmt)
        self.outputs = audio.outputs(extras.sources, plan, self.audio_names)
        frames = plan.end - plan.start
        passes = len(self.outputs) + (1 if plan.request.loudness_lufs is not None
                                      and self.outputs else 0)
        self.total = max(1, frames * passes)
        self.done = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="export", daemon=True)
        self._thread.start()

    def advance(self, frames: int) -> None:
        with self._lock:
            self.done += frames

    def wait(self, timeout: float | None = None) -> bool:
        """True once the work has ended (done, failed or stopped)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._write()
        except BaseException as error:  # handed to the watching thread
            self.error = _full_disk_said(error, self.folder)
            self.stop.set()

    def _write(self) -> None:
        plan, request = self.plan, self.plan.request
        gain = 0.0
        if request.loudness_lufs is not None and self.outputs:
            gain, lufs, peak = audio.loudness_gain(self.extras.sources, plan, self.outputs,
                                                   self.stop, self.advance, self.extras.effects)
            reached = lufs + gain if lufs > -1e9 else None
            self.loudness = {"target_lufs": request.loudness_lufs,
                             "measured_lufs": _rounded(lufs), "gain_db": round(gain, 2),
                             "result_lufs": _rounded(reached),
                             "true_peak_dbtp": _rounded(peak + gain),
                             "ceiling_dbtp": request.true_peak_dbtp}
        tags = audio.Tags(plan.title, ", ".join(plan.credits) or request.group, request.group)
        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            futures = [pool.submit(audio.write, self.extras.sources, plan, output,
                                   self.folder / output.name, gain, tags, self.stop,
                                   self.advance, self.extras.effects) for output in self.outputs]
            done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in done if f.exception() is not None]
            if failed:
                self.stop.set()  # the other files stop at their next block
                raise failed[0].exception()
        names = list(self.audio_names)
        for name, track in zip(self.midi_names, plan.midi, strict=True):
            smf = midi.region_midi(self.extras.files[track.id][0], plan.take.samplerate,
                                   plan.start, plan.end)
            smf.save(self.folder / name)
            names.append(name)
        self.extras.check_effects()
        names += self.extras.run_exporters(plan, self.folder, self.stop)
        if self.stop.is_set():
            raise audio.Stopped
        names += package.write_texts(self.folder, plan, names)
        self.files = package.write_manifest(self.folder, plan, names, utc_now(), self.loudness)
        for name in names + [package.MANIFEST]:
            with (self.folder / name).open("rb") as file:
                os.fsync(file.fileno())
        sync_folder(self.folder)
        if request.zip:
            package.write_zip(self.folder, [f.name for f in self.files], self.zip_file,
                              self.inner)
            self.zip_checksum = package.checksum(self.zip_file, self.zip_file.name)


def _watch(gate: ExportGate, plan: ExportPlan, job: _Job,
           progress: Callable[[float], None] | None, cancelled: Callable[[], bool] | None
           ) -> None:
    """Wait for JOB, asking GATE to check the ledger again and the caller about cancelling
    meanwhile."""
    next_check = time.monotonic() + RECHECK_SECONDS
    while not job.wait(0.05):
        if progress is not None:
            progress(min(job.done / job.total, 0.99))
        if cancelled is not None and cancelled():
            raise ExportCancelled(_("The export was cancelled; nothing was written."))
        if time.monotonic() >= next_check:
            try:
                gate.recheck(plan)
            except ConsentRefused as refused:
                raise ConsentRefused(
                    f"{refused} " + _("Consent changed while the files were written; the "
                                      "export stopped and its files were removed.")) from None
            next_check = time.monotonic() + RECHECK_SECONDS
    if isinstance(job.error, MtStudioError):
        raise job.error
    if job.error is not None:  # a full disk, a file-size limit, a folder gone: say where
        reason = str(getattr(job.error, "strerror", None) or job.error).rstrip(".")
        raise ExportFailed(_("The export could not be written to {folder}: {reason}. Nothing "
                             "was kept.").format(folder=plan.request.destination,
                                                 reason=reason)) from job.error
    if progress is not None:
        progress(1.0)


def _full_disk_said(error: BaseException, folder: Path) -> BaseException:
    """ERROR, or ENOSPC for FOLDER when libsndfile failed with a bare "System error" on a disk
    that is now full: the person needs to hear that the disk is full."""
    if not isinstance(error, sf.LibsndfileError):
        return error
    try:
        full = shutil.disk_usage(folder).free < FULL_DISK_BYTES
    except OSError:
        return error
    if not full:
        return error
    said = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder))
    said.__cause__ = error
    return said


def _file_names(plan: ExportPlan, stem: str, fmt: AudioFormat) -> tuple[list[str], list[str]]:
    """The names of the audio files (the mix, or one per stem) and of the MIDI files.

    Stems and MIDI files are numbered in take order and named by instrument, unless the
    instrument's label names someone not credited so.
    """
    audio_names = [] if plan.request.stems or not plan.sounding_mixes \
        else [f"{stem}.{fmt.value}"]
    midi_names = []
    numbered = (list(plan.audio) if plan.request.stems else []) + list(plan.midi)
    for number, track in enumerate(numbered, start=1):
        fallback = _("Track {number}").format(number=number)
        if track.kind is TrackKind.MIDI:
            midi_names.append(f"{stem} - {number:02d} MIDI.mid")
            continue
        label = track.instrument or _("Input {number}").format(number=track.input)
        if names_in(label, plan.forbidden):
            label = fallback
        audio_names.append(f"{stem} - {number:02d} {package.safe_name(label, fallback)}"
                           f".{fmt.value}")
    return audio_names, midi_names


def _stopping(sound: TakeAudio, stop: threading.Event) -> Callable[[int, int], np.ndarray]:
    """SOUND's read, which ends an exporter's work once the export is told to stop."""

    def read(first: int, last: int) -> np.ndarray:
        if stop.is_set():
            raise ExportCancelled(_("The export was stopped."))
        return sound.read(first, last)

    return read


def _within(annotation: Annotation, start: int, end: int) -> Annotation:
    """ANNOTATION (which overlaps START..END) counted from START and held inside the region: a
    chord sounding when the region starts, a tempo or key of the whole take, stay."""
    return dataclasses.replace(
        annotation, start=max(annotation.start, start) - start,
        end=None if annotation.end is None else min(annotation.end, end) - start)


class _Extras:
    """What the job needs beside the plan, gathered on the calling thread: the track files,
    the tempo and annotations, and the plugins' effects and exporters."""

    def __init__(self, files: dict[int, tuple[Path, ...]], sources: list[list[Path]],
                 tempo_bpm: float | None, found: tuple[Annotation, ...],
                 plugins: PluginHost | None, request: ExportRequest) -> None:
        self.files, self.sources, self.tempo_bpm = files, sources, tempo_bpm
        self.annotations, self.plugins, self.request = found, plugins, request
        self.processors: list = []
        self._lock = threading.Lock()

    @classmethod
    def of(cls, sound: TakeSound, plan: ExportPlan, found: Sequence[StoredAnnotation],
           plugins: PluginHost | None, cancelled: Callable[[], bool] | None = None
           ) -> _Extras:
        request = plan.request
        if (request.effects or request.exporters) and plugins is None:
            raise InputError(_("Effects and exporters come from plugins, and none are loaded."))
        offered = ({e.id for _p, e in plugins.effects()} | {x.id for _p, x in plugins.exporters()}
                   if plugins else set())
        missing = [i for i in request.effects + request.exporters if i not in offered]
        if missing:
            raise InputError(_("No enabled plugin offers {ids}.").format(ids=", ".join(missing)))
        enabled = {i.id for i in plugins.plugins() if i.state is PluginState.ENABLED} \
            if plugins else set()
        within = tuple(_within(s.annotation, plan.start, plan.end) for s in found
                       if s.plugin_id in enabled and s.annotation.start < plan.end
                       and (s.annotation.end or s.annotation.start + 1) > plan.start)
        files = {track.id: track.files for track in sound.tracks}
        sources = [list(files[t.id]) for t in plan.audio]
        if len(plan.sounding_mixes) > len(plan.audio):  # a mix with MIDI tracks in it
            sources += [[_midi_sound(sound.folder, plan, files[track.id][0], cancelled)]
                        for track in plan.midi]
        return cls(files, sources, sound.tempo_bpm, within, plugins, request)

    def effects(self, samplerate: int, channels: int) -> list:
        """A fresh chain of the request's effects for one stream."""
        if not self.request.effects:
            return []
        chain = [self.plugins.processor(e, samplerate, channels) for e in self.request.effects]
        with self._lock:
            self.processors += chain
        return chain

    def check_effects(self) -> None:
        """PluginFailed if any effect failed while the files were written (the sound would
        have passed it by unprocessed: such files are not kept)."""
        with self._lock:
            if any(getattr(p, "failed", False) for p in self.processors):
                raise PluginFailed(_("An effect failed while the files were written; its "
                                     "plugin was disabled and nothing was kept."))

    def run_exporters(self, plan: ExportPlan, folder: Path, stop: threading.Event
                      ) -> list[str]:
        """The files the request's exporters add to FOLDER."""
        names: list[str] = []
        for exporter_id in self.request.exporters:
            if stop.is_set():
                raise audio.Stopped
            # no markers: their names may be a therapist's notes, and exports never carry them
            with sound_of(self.sources, plan.take.samplerate, plan.start, plan.end,
                          self.tempo_bpm) as sound:
                context = ExportContext(folder, plan.title, plan.credits, plan.lyrics,
                                        dataclasses.replace(sound, read=_stopping(sound, stop)),
                                        self.annotations)
                names += self.plugins.run_exporter(exporter_id, context, package.TEXTS)
        return names


def _midi_sound(folder: Path, plan: ExportPlan, midi_file: Path,
                cancelled: Callable[[], bool] | None) -> Path:
    """The sound of a MIDI track (its MIDI_FILE) for the mix, from the synthesizer (its renders
    cached in the library FOLDER); InputError saying how to export without it when it cannot
    be made."""
    try:
        return midi_track_sound(folder, midi_file, plan.take.samplerate,
                                plan.take.frames, cancelled=cancelled)
    except RenderCancelled:
        raise ExportCancelled(_("The export was cancelled; nothing was written.")) from None
    except InputError as error:
        raise InputError(_("{problem} Leave the MIDI track out of the mix (untick it, or mute "
                           "it), or export stems, which keep it as a .mid file; nothing was "
                           "written.").format(problem=error)) from None


def _destination(folder: Path) -> Path:
    folder = Path(folder).expanduser().absolute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(_("The folder {folder} cannot be made: {reason}").format(
            folder=folder, reason=error.strerror or error)) from None
    if not os.access(folder, os.W_OK):
        raise InputError(_("The folder {folder} cannot be written to.").format(folder=folder))
    return folder


def _reserve(destination: Path, stem: str, suffix: str = "") -> Path:
    """Take the first free "STEM[ (n)]SUFFIX" in DESTINATION by making it (an empty folder,
    or an empty file with a SUFFIX), so that no other export can take it too."""
    while True:
        target = destination / package.free_name(destination, stem, suffix)
        try:
            if suffix:
                os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
            else:
                target.mkdir(mode=FOLDER_MODE)
            return target
        except FileExistsError:
            continue


def _release(folder: Path, zip_path: Path | None) -> None:
    """Give back reserved names that were never filled."""
    try:
        folder.rmdir()  # only while empty
    except OSError:
        pass
    if zip_path is not None and zip_path.is_file() and zip_path.stat().st_size == 0:
        zip_path.unlink()


def _sweep_stale_partials(folder: Path) -> None:
    """Remove what an export killed mid-way left (its process is gone): its hidden folder,
    known by the note inside it, and the names it had reserved if they are still empty."""
    for path in folder.glob(f".*{_PARTIAL}*"):
        pid = re.match(r"\d+", path.name.rsplit(_PARTIAL, 1)[-1])
        note = path / _SENTINEL
        if not pid or path.is_symlink() or note.is_symlink() or not note.is_file() \
                or _alive(int(pid.group())):
            continue
        try:
            reserved = json.loads(note.read_text())
            _release(_named_in(folder, reserved["folder"]),
                     _named_in(folder, reserved["zip"]) if reserved.get("zip") else None)
        except (OSError, ValueError, KeyError, TypeError):
            pass
        shutil.rmtree(path, ignore_errors=True)


def _named_in(folder: Path, name: object) -> Path:
    """FOLDER/NAME for a NAME the note of a partial export holds; ValueError unless it is a
    plain name in FOLDER that is no link (a note planted by someone else may say anything)."""
    if not isinstance(name, str) or name in ("", ".", "..") or "/" in name or "\0" in name \
            or (os.altsep and os.altsep in name):
        raise ValueError(name)
    path = folder / name
    if path.is_symlink():
        raise ValueError(name)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _rounded(value: float | None) -> float | None:
    return None if value is None or value != value or abs(value) == float("inf") \
        else round(value, 2)
