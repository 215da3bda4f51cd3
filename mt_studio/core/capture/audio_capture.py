"""The audio engine of a take: PortAudio input → C ring buffer → writer thread → files.

The audio callback is rtmixer's, written in C: it copies each block into a preallocated ring
buffer and returns, with no Python, allocation, lock or I/O in the real-time thread. A writer
thread (of the lowest priority while it keeps up, unless the audio runs realtime: see
writer_priority) meters the newest audio in the ring about thirty times a second, drains the
ring into the take's files in larger pieces (a few times a second: fewer, larger writes cost
less), fsyncs and journals often enough that a crash loses under a second (about every
0.9 s), watches the disk and the device, and accounts for lost input by writing silence, so
that every track stays aligned with the stream's clock (loss_watch tells real loss from a
late clock).
"""

from __future__ import annotations

import enum
import errno
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mt_studio.core.capture import devices, frame_clocks, writer_priority
from mt_studio.core.capture.devices import load_sounddevice
from mt_studio.core.capture.loss_watch import Loss, LossWatch
from mt_studio.core.capture.meters import Meters, measure
from mt_studio.core.capture.ring_rows import RingRows
from mt_studio.core.capture.take_files import TakeFiles
from mt_studio.core.domain import Dropout
from mt_studio.core.errors import DeviceError
from mt_studio.i18n import _

log = logging.getLogger(__name__)


class StopReason(enum.StrEnum):
    """Why a take stopped."""

    REQUESTED = "requested"
    DURATION = "duration"
    DISK_FULL = "disk_full"
    FILE_TOO_LARGE = "file_too_large"
    WRITE_ERROR = "write_error"
    DEVICE_LOST = "device_lost"


# Recording stops while this much disk is still free: the library and the system need room.
DISK_RESERVE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class CaptureSettings:
    """What to record and how the engine paces itself."""

    device: int | str
    inputs: tuple[int, ...]
    samplerate: int
    hostapi: str = ""  # the device's, as devices lists it: JACK's is read by its own clock
    blocksize: int = 0
    duration_frames: int | None = None
    ring_seconds: float = 4.0
    tick_seconds: float = 0.03  # how often the meters and the stream are looked at
    write_seconds: float = 0.2  # how much the ring gathers before it is written
    # The most a crash may cost: files are synced often enough for it, sooner when frames were
    # still waiting in the ring at the last sync (a loss being measured holds them back).
    crash_loss_seconds: float = 0.9
    behind_seconds: float = 0.2  # a writer this far behind (past write_seconds) is rescued
    disk_reserve_bytes: int = DISK_RESERVE_BYTES
    silent_device_seconds: float = 2.0


COUNTED_CLOCK_SETTLE = 4
"""Readings (writer ticks) that measure a loss on a clock that counts cycles (JACK's)."""


class AudioCapture:
    """Records the inputs of one device into a take's files until stopped.

    Lost input: when PortAudio flags an input overflow, the ring ran full and rtmixer ended
    the recording action (a new one takes over at once), or JACK's cycle counter jumps ahead
    of the frames recorded, the writer holds back what came after the frame it has reached
    and lets a LossWatch measure how many frames were really lost, on a clock (frame_clocks)
    read each tick: over four ticks on JACK's cycle counter, over a quarter second on
    PortAudio's estimate, which runs ahead after a late cycle. The loss is written as silence
    there (up to one writer tick after it happened), then the held-back frames follow. An
    overflow that lost nothing, as most on JACK do (PortAudio flags any late cycle in the
    graph), writes no silence. A loss in the first ticks, before the clock's level is known,
    goes uncounted.
    """

    def __init__(self, settings: CaptureSettings, files: TakeFiles,
                 free_bytes: Callable[[], int],
                 on_sync: Callable[[], object] | None = None) -> None:
        self.settings = settings
        self.stream_stuck = False
        self.files = files
        self.meters = Meters(len(settings.inputs))
        self.dropouts: list[Dropout] = []
        self.stop_reason: StopReason | None = None
        self.stop_detail = ""
        self.overflows = 0
        self._on_sync = on_sync
        self._free_bytes = free_bytes
        self.free_bytes: int | None = None  # as last measured by the writer (about each second)
        self._channels = len(settings.inputs)
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._watch = LossWatch(settings.blocksize)
        self._overflows_seen = 0  # of the current recording action
        # clock() adds what the files hold to what waits in the ring; the writer changes both
        # under this lock (never across I/O), so a frame is never counted twice or missed.
        self._clock_lock = threading.Lock()
        self._written = 0
        self._thread = threading.Thread(target=self._write_at_idle_priority,
                                        name="mt-studio-writer", daemon=True)
        # Started by the caller's thread, so of normal priority; it waits unless needed.
        self._rescuer = threading.Thread(target=self._rescue, name="mt-studio-writer-rescue",
                                         daemon=True)
        self._rescue_needed = threading.Event()
        self.rescued = False  # True once the rescuer writes instead
        self._fell_behind = False
        # Held by whichever thread does a tick's work, never while it waits for the next tick:
        # a writer starved of the CPU between ticks cannot keep the rescuer from writing.
        self._pen = threading.Lock()
        self._rescuer_writes = False  # under the pen: the writer has handed over, or must
        self._done = False  # under the pen: the take is finished and its stream closed

    def start(self) -> None:
        """Open the input stream and start writing; DeviceError if the device refuses."""
        sd = load_sounddevice()
        import rtmixer

        s = self.settings
        frames = 1 << max(12, int(np.ceil(np.log2(s.ring_seconds * s.samplerate))))
        self._ring = rtmixer.RingBuffer(4 * self._channels, frames)
        self._ring_frames = frames
        self._rows = RingRows(self._ring, self._channels,
                              round(2 * s.write_seconds * s.samplerate))
        try:
            with devices.stream_opening():
                self._recorder = rtmixer.Recorder(
                    device=s.device, channels=max(s.inputs), samplerate=s.samplerate,
                    blocksize=s.blocksize, latency="low")
                self._recorder.start()
            self._segment = self._record()
            self._clock = frame_clocks.clock_for(self._recorder, s.samplerate, s.hostapi)
            if self._clock.counts_cycles:  # no lateness to settle: a few readings tell a loss
                # A reading taken before this cycle's block arrived stands a block or two high;
                # on a loaded machine two in a row were, and a block never lost was written as
                # silence. The lowest of four is the level.
                self._watch.settle = COUNTED_CLOCK_SETTLE
        except (sd.PortAudioError, ValueError) as error:
            raise DeviceError(_("The audio device could not be opened: {error}").format(
                error=error)) from None
        self._last_progress = time.monotonic()
        self._next_sync = self._last_progress + self.settings.crash_loss_seconds / 2
        self._rescuer.start()
        self._thread.start()

    def stop(self, reason: StopReason = StopReason.REQUESTED) -> None:
        """Stop the take (from any thread but the writer) and wait until the files are closed."""
        if self.stop_reason is None:
            self.stop_reason = reason
        self._stop.set()
        for thread in (self._thread, self._rescuer):
            if thread.is_alive():
                thread.join()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the engine stops by itself (duration, disk, device); True if it has."""
        return self._stopped.wait(timeout)

    @property
    def frames(self) -> int:
        """Frames in every track file so far."""
        return self.files.frames

    def clock(self) -> int:
        """The take's position now, in frames: what the files hold plus what waits in the ring.

        It counts the frames the device has delivered, so it moves once per callback block and
        never drifts from the files, as a time-based clock would on a struggling server.
        Any thread may call it (MIDI stamps its notes with it).
        """
        with self._clock_lock:
            return self._written + self._ring.read_available

    def _record(self):
        return self._recorder.record_ringbuffer(
            self._ring, channels=list(self.settings.inputs), allow_belated=True)

    def _write_at_idle_priority(self) -> None:
        if not writer_priority.audio_runs_realtime():  # a realtime one needs no giving way
            writer_priority.lower_to_idle()
        self._write_until_stopped(may_hand_over=True)

    def _rescue(self) -> None:
        # The writer says when it falls behind, but only when it runs: an idle thread on a busy
        # machine may not run at all for seconds, so the rescuer looks at the ring itself, and
        # at a stop, so that finishing the take never waits on a starved writer either.
        while not self._rescue_needed.wait(self.settings.tick_seconds):
            if self._stop.is_set() or self._behind():
                break
        with self._pen:
            if self._done:
                return
            self._rescuer_writes = True
        if self._fell_behind:
            log.warning("the writer fell %.2f s behind, %.1f s into the take; a thread of "
                        "normal priority goes on with it",
                        self._ring.read_available / self.settings.samplerate,
                        self.files.frames / self.settings.samplerate)
            self.rescued = True
        self._write_until_stopped(may_hand_over=False)

    def _behind(self) -> bool:
        """True once the ring has held more than the writer should ever leave in it: a write's
        worth, what a loss being measured holds back, and behind_seconds more. Looked at
        before every write too, as the writer may catch up in the same tick it was late in
        (a loss decided then releases what was held); once behind, it stays so."""
        s = self.settings
        hold = self._watch.settle * s.tick_seconds
        limit = (s.behind_seconds + s.write_seconds + hold) * s.samplerate
        # Only ever set: the writer and the rescuer both look, and neither may undo the other.
        if not self._fell_behind and self._ring.read_available > limit:
            self._fell_behind = True
        return self._fell_behind

    def _ready(self) -> int:
        """Frames in the ring that may be written now (none held back by a loss)."""
        return self._ring.read_available - self._held_back()

    def _held_back(self) -> int:
        """Frames in the ring after the one where a loss is being measured."""
        held_from = self._watch.held_from
        return 0 if held_from is None else max(0, self.clock() - held_from)

    def _write_until_stopped(self, may_hand_over: bool) -> None:
        while True:
            stopping = self._stop.wait(self.settings.tick_seconds)
            with self._pen:
                if self._done:
                    return
                if may_hand_over and (self._rescuer_writes
                                      or (not stopping and self._behind())):
                    self._rescuer_writes = True  # at a tick's start: nothing is half done
                    self._rescue_needed.set()
                    return
                if self._tick(stopping):
                    return

    def _tick(self, stopping: bool) -> bool:
        """One tick of the writer's work; True once the take is finished and the stream closed."""
        done = True
        try:
            self._meter_newest()
            sync_due = time.monotonic() >= self._next_sync
            if stopping or sync_due or self._write_due():
                self._drain()
            if not (stopping or self._finished()):
                self._watch_the_stream()
                if self.stop_reason is None and sync_due:
                    self._sync()
                    self._watch_the_disk()
                done = self.stop_reason is not None
            if done:
                self._settle_now()
        except OSError as error:
            self._stopped_by_write_error(error)
        except Exception as error:  # never leave a take without its files closed
            log.exception("the writer thread failed")
            self._set_reason(StopReason.WRITE_ERROR, str(error))
        finally:
            if done:
                self._done = True
                try:
                    self._close_stream()
                finally:
                    self._stopped.set()
                    self._rescue_needed.set()  # the rescuer learns it is not needed
        return done

    def _sync(self) -> None:
        """Make the files durable; the next sync comes before a crash could cost more."""
        waiting = self._ring.read_available  # not in the files yet
        synced_at = time.monotonic()
        durable = self.files.sync()
        # and what the files hold but not on disk yet: a sealed file's chunk not yet full
        waiting = (waiting + self.files.frames - durable) / self.settings.samplerate
        if self._on_sync is not None:
            self._on_sync()
        s = self.settings
        self._next_sync = synced_at + max(s.tick_seconds,
                                          s.crash_loss_seconds - waiting - s.tick_seconds)

    def _write_due(self) -> bool:
        """True when the ring has gathered a write's worth, or the take's last frame."""
        limit = self.settings.duration_frames
        return (self._ready() >= self.settings.write_seconds * self.settings.samplerate
                or (limit is not None and self.clock() >= limit))

    def _drain(self) -> None:
        """Write what the ring holds, up to where a loss is being measured."""
        held_from = self._watch.held_from
        if held_from is not None:
            self._take(min(self._ring.read_available, held_from - self._written))
            if 2 * self._held_back() <= self._ring_frames:
                return
            self._decided(self._watch.finish())  # holding back any longer would fill the ring
        self._take(self._ring.read_available)

    def _meter_newest(self) -> None:
        """Meter the frames that arrived since the last tick (copied from the ring)."""
        self._rows.catch_up()
        fresh = self._rows.unmetered()  # a write's catch-up may have copied some already
        if fresh.shape[1]:
            self._last_progress = time.monotonic()
            self.meters.publish(measure(fresh))

    def _take(self, count: int) -> None:
        if count <= 0:
            return
        self._behind()
        self._rows.catch_up()
        planar = self._rows.front(count)  # one row per track
        self._write(planar)
        count = planar.shape[1]
        with self._clock_lock:
            self._ring.advance_read_index(count)
            self._written = self.files.frames
        self._rows.consumed(count)

    def _write(self, planar: np.ndarray) -> None:
        limit = self.settings.duration_frames
        if limit is not None:
            planar = planar[:, : max(0, limit - self.files.frames)]
        if planar.shape[1]:
            self.files.write(planar)

    def _finished(self) -> bool:
        limit = self.settings.duration_frames
        if limit is not None and self.files.frames >= limit:
            self._set_reason(StopReason.DURATION)
            return True
        return False

    def _watch_the_stream(self) -> None:
        if not self._recorder.active:
            self._set_reason(StopReason.DEVICE_LOST, _("the audio device stopped"))
            return
        if time.monotonic() - self._last_progress > self.settings.silent_device_seconds:
            self._set_reason(StopReason.DEVICE_LOST, _("no audio arrived for {s:.0f} s").format(
                s=self.settings.silent_device_seconds))
            return
        if self._segment not in self._recorder.actions:  # rtmixer ends it when the ring is full
            if self._watch.held_from is not None:
                # A loss of its own, after the frames held back: the one measured comes first.
                self._decided(self._watch.finish())
            self._watch.trouble(self.clock(), "writer stall")
            self._segment = self._record()
            self._overflows_seen = 0
        elif self._segment.stats.input_overflows > self._overflows_seen:
            self._overflows_seen = self._segment.stats.input_overflows
            self.overflows += 1
            self._watch.trouble(self.clock(), "input overflow")
        if not self.settings.blocksize and self._segment.stats.blocks:
            self._watch.block = _block_size(self._segment)
        reading = self._clock.reading(self.clock)
        if self._clock.counts_cycles and self._watch.jumped(reading):
            # Seen before PortAudio flags it: on JACK the flag waits for the server's xrun
            # notice, which can come many ticks later, and the silence would come as late.
            self._watch.trouble(self.clock(), "input overflow")
        loss = self._watch.read(reading)
        if loss is not None:
            self._decided(loss)
            if self._write_due():  # what was held back, before it counts as falling behind
                self._drain()

    def _settle_now(self) -> None:
        """At the end of the take: decide a loss still being measured, write what is held."""
        self._decided(self._watch.finish())
        self._drain()

    def _decided(self, loss: Loss | None) -> None:
        if loss is not None:
            # The frames before the loss may still wait in the ring for a write's worth.
            self._take(min(self._ring.read_available, loss.frame - self._written))
            self._fill(loss.frame, loss.length, loss.cause)

    def _fill(self, frame: int, lost: int, cause: str) -> None:
        limit = self.settings.duration_frames
        if limit is not None:
            lost = min(lost, max(0, limit - self.files.frames))
        if lost <= 0 or frame != self.files.frames:  # the take ended before the loss
            return
        self.files.write_silence(lost)
        with self._clock_lock:
            self._written = self.files.frames
        self.files.dropout(frame, lost, cause)
        self.dropouts.append(Dropout(frame, lost, cause))
        log.warning("%d frames lost at %d (%s), filled with silence", lost, frame, cause)

    def _watch_the_disk(self) -> None:
        free = self.free_bytes = self._free_bytes()
        if free < self.settings.disk_reserve_bytes:
            self._set_reason(StopReason.DISK_FULL, _("only {mb} MB free on the disk").format(
                mb=free // 1_000_000))

    def _stopped_by_write_error(self, error: OSError) -> None:
        if error.errno == errno.ENOSPC:
            self._set_reason(StopReason.DISK_FULL, _("the disk is full"))
        elif error.errno == errno.EFBIG:
            self._set_reason(StopReason.FILE_TOO_LARGE,
                             _("a file reached the largest size allowed"))
        else:
            self._set_reason(StopReason.WRITE_ERROR, error.strerror or str(error))

    def _set_reason(self, reason: StopReason, detail: str = "") -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
            self.stop_detail = detail

    def _close_stream(self) -> None:
        """Close the stream, giving up after a while: PortAudio can hang on a vanished server."""
        lost = self.stop_reason is StopReason.DEVICE_LOST
        if not devices.close_stream(self._recorder, "the recording stream", self._clock.close,
                                    lost=lost):
            self.stream_stuck = True


def _block_size(segment) -> int:
    """The callback's block size, when PortAudio chose it: JACK's period, a power of two."""
    average = segment.done_frames / max(1, segment.stats.blocks)
    return 1 << max(0, round(np.log2(max(average, 1))))
