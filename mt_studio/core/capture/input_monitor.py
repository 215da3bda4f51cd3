"""Input levels and MIDI activity without recording anything: the level check before a take.

rtmixer's callback, written in C, copies each block of every input into a ring buffer and
returns. A meter thread measures what arrived about thirty times a second with the take's own
meter engine, publishes the latest readings and lets the audio go: nothing is written to a
file or to the library. The MIDI backend's callback only counts the channel messages that
arrive (notes, controllers), so that a light can show the keyboard is heard.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import mido
import numpy as np

from mt_studio.core.capture import devices
from mt_studio.core.capture.meters import Meters, measure
from mt_studio.core.capture.midi_capture import CHANNEL_TYPES, open_midi_input
from mt_studio.core.capture.ring_rows import RingRows
from mt_studio.core.errors import DeviceError
from mt_studio.i18n import _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MonitorSettings:
    """What to listen to: inputs 1 to CHANNELS of DEVICE (its name), and a MIDI input port."""

    device: str
    channels: int
    samplerate: int
    blocksize: int = 0
    midi: str | None = None
    midi_backend: str | None = None  # None: $MIDO_BACKEND, else mido's default
    tick_seconds: float = 0.03  # how often the levels are measured
    ring_seconds: float = 1.0
    silent_device_seconds: float = 2.0


class InputMonitor:
    """Meters every input of one device, and counts one MIDI port's messages, until stopped.

    `start()` may run in a worker thread while `stop()` is called from another: `stop()` waits
    for an opening under way, then closes it; after `stop()`, `start()` opens nothing. The
    latest readings, one per input, are `meters.latest()`; `midi_messages` counts the
    channel messages heard; `problem` says why the device could not be opened or the levels
    stopped, `midi_problem` why the MIDI port could not be opened (the levels go on without).
    """

    def __init__(self, settings: MonitorSettings) -> None:
        self.settings = settings
        self.meters = Meters(settings.channels)
        self.problem = ""
        self.midi_problem = ""
        self.midi_messages = 0
        self._lock = threading.Lock()  # one of start() and stop() at a time
        self._stopping = threading.Event()
        self._recorder = None
        self._port: mido.ports.BaseInput | None = None
        self._thread: threading.Thread | None = None

    @property
    def is_open(self) -> bool:
        """True while the input stream is open."""
        return self._recorder is not None

    def start(self) -> None:
        """Open the device's inputs (DeviceError if it refuses) and the MIDI port, if any."""
        with self._lock:
            if self._stopping.is_set():
                return
            try:
                self._open_audio()
            except DeviceError as error:
                self.problem = str(error)
                raise
            self._open_midi()
            self._thread = threading.Thread(target=self._meter, name="mt-studio-level-meter",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Close the stream and the MIDI port (waiting for an opening under way); any thread."""
        self._stopping.set()
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                thread.join()
            port, self._port = self._port, None
            if port is not None:
                try:
                    port.close()
                except Exception as error:  # a vanished server may fail to close
                    log.info("closing the monitored MIDI port failed: %s", error)
            recorder, self._recorder = self._recorder, None
            if recorder is not None:
                devices.close_stream(recorder, "the level monitor's stream",
                                     lost=bool(self.problem))

    def _open_audio(self) -> None:
        sd = devices.load_sounddevice()
        import rtmixer

        s = self.settings
        device = devices.find_audio_input(s.device)
        frames = 1 << max(12, int(np.ceil(np.log2(s.ring_seconds * s.samplerate))))
        self._ring = rtmixer.RingBuffer(4 * s.channels, frames)
        self._rows = RingRows(self._ring, s.channels, round(4 * s.tick_seconds * s.samplerate))
        try:
            with devices.stream_opening():
                recorder = rtmixer.Recorder(device=device.index, channels=s.channels,
                                            samplerate=s.samplerate, blocksize=s.blocksize,
                                            latency="low")
                try:
                    recorder.start()
                except BaseException:
                    recorder.close()
                    raise
            self._recorder = recorder  # counted as open from here
            self._action = recorder.record_ringbuffer(self._ring, allow_belated=True)
        except (sd.PortAudioError, ValueError) as error:
            raise DeviceError(_("The audio device could not be opened: {error}").format(
                error=error)) from None

    def _open_midi(self) -> None:
        s = self.settings
        if not s.midi:
            return
        try:
            self._port = open_midi_input(s.midi, self._midi_received,
                                         backend_name=s.midi_backend)
        except DeviceError as error:
            self.midi_problem = str(error)

    def _midi_received(self, message: mido.Message) -> None:
        # The backend's thread: only a count, read by whoever shows it.
        if message.type in CHANNEL_TYPES:
            self.midi_messages += 1

    def _meter(self) -> None:
        s = self.settings
        heard_at = time.monotonic()
        while not self._stopping.wait(s.tick_seconds):
            self._rows.catch_up()
            fresh = self._rows.unmetered()
            now = time.monotonic()
            if fresh.shape[1]:
                self.meters.publish(measure(fresh))
                heard_at = now
            taken = self._rows.count
            self._ring.advance_read_index(taken)
            self._rows.consumed(taken)
            recorder = self._recorder
            if self._action not in recorder.actions:  # the ring ran full while we slept
                self._action = recorder.record_ringbuffer(self._ring, allow_belated=True)
            if not recorder.active:
                self.problem = _("the audio device stopped")
            elif now - heard_at > s.silent_device_seconds:
                self.problem = _("no audio arrived for {s:.0f} s").format(
                    s=s.silent_device_seconds)
            if self.problem:
                self.meters.publish(Meters(s.channels).latest())  # no stale levels
                return
