"""One device's inputs and outputs in one stream, played and recorded on one sample clock.

rtmixer's C callback plays one ring and records into another. Both actions are queued before
the stream starts, so both begin in its first callback and go on block by block together:
recorded frame r and played frame p are the same callback's frame when r == p, however long the
stream runs, and a sound played at p comes back at p + the device's round trip (latency.py).
(Starting them at one requested time instead would align them by PortAudio's converter-time
estimates, which on JACK jitter by a hundred frames and more from one stream to the next.)
Opened and closed under the PortAudio lock, like every stream.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from mt_studio.core.capture import devices
from mt_studio.core.capture.devices import load_sounddevice, native_messages_to_log
from mt_studio.core.errors import DeviceError
from mt_studio.i18n import _

log = logging.getLogger(__name__)

SILENT_DEVICE_SECONDS = 1.5  # a stream that moves no frame this long is gone


class DuplexStream:
    """A device's inputs recorded into `recorded` and `played` fed to its outputs, in step.

    `recorded` (all inputs, interleaved float32) is drained by the caller; `played` (OUTPUTS
    channels) is filled by the caller, who must keep it from running dry. `recorded_frames`
    and `played_frames` count the frames the callback has handled since the start.
    """

    def __init__(self, device: str, samplerate: int, inputs: int, outputs: int = 2,
                 ring_seconds: float = 2.0, play_seconds: float = 0.1) -> None:
        self.device = device
        self.samplerate = samplerate
        self.inputs = inputs
        self.outputs = outputs
        self._ring_seconds = ring_seconds
        self._play_seconds = play_seconds
        self._stream = None
        self._record = None
        self._play = None
        self._last_frames = -1  # for `lost`: the frames played when last looked, and when
        self._moved_at = 0.0
        self.was_lost = False  # `lost` said so once: the device is gone

    def open(self, prefill: np.ndarray | None = None) -> None:
        """Open the device and start both actions at one moment; DeviceError if it cannot.

        PREFILL (frames, outputs) is what plays first; silence when not given.
        """
        sd = load_sounddevice()
        import rtmixer

        from mt_studio.core.playback import find_output_device

        rate = self.samplerate
        self.recorded = rtmixer.RingBuffer(4 * self.inputs,
                                           _power_of_two(self._ring_seconds * rate))
        self.played = rtmixer.RingBuffer(4 * self.outputs,
                                         _power_of_two(self._play_seconds * rate))
        first = prefill if prefill is not None else np.zeros(
            (self.played.write_available // 2, self.outputs), dtype=np.float32)
        self.played.write(np.ascontiguousarray(first, dtype=np.float32))
        self.prefilled = len(first)  # played frames before what the caller writes
        try:
            with devices.stream_opening(), native_messages_to_log():
                found = devices.find_audio_input(self.device)
                output, outputs = find_output_device(self.device)
                if found.inputs < self.inputs or outputs < self.outputs:
                    raise DeviceError(_(
                        "{device} has {inputs} inputs and {outputs} outputs; {wanted_in} and "
                        "{wanted_out} are needed here.").format(
                        device=self.device, inputs=found.inputs, outputs=outputs,
                        wanted_in=self.inputs, wanted_out=self.outputs))
                stream = rtmixer.MixerAndRecorder(
                    device=(found.index, output), channels=(self.inputs, self.outputs),
                    samplerate=rate, latency="low")
                try:
                    self._record = stream.record_ringbuffer(self.recorded)
                    self._play = stream.play_ringbuffer(self.played)
                    stream.start()
                except BaseException:
                    stream.close()  # not counted as open yet: it must not stay open
                    raise
        except (sd.PortAudioError, ValueError) as error:
            log.info("the duplex stream could not be opened: %s", error)
            raise DeviceError(_("{device} could not be opened to play and record at once at "
                                "{rate} Hz.").format(device=self.device, rate=rate)) from None
        self._stream = stream

    def wait_until_started(self, timeout: float = 2.0) -> None:
        """Return once both actions run; DeviceError if they do not."""
        deadline = time.monotonic() + timeout
        while self._record.done_frames == 0 or self._play.done_frames == 0:
            if time.monotonic() > deadline or not self.running:
                raise DeviceError(_("{device} did not start playing and recording.").format(
                    device=self.device))
            time.sleep(0.005)  # the first callbacks come within a few milliseconds

    @property
    def running(self) -> bool:
        """Whether both actions are still running (a ring run dry or full ends them)."""
        if self._stream is None:
            return False
        actions = self._stream.actions
        return self._record in actions and self._play in actions

    def lost(self) -> bool:
        """True when the stream stopped: its actions ended, PortAudio says it is no longer
        active, or no frame has moved for SILENT_DEVICE_SECONDS (a vanished JACK server leaves
        the stream and its actions as they were)."""
        if not self.running or not self._stream.active:
            self.was_lost = True
            return True
        now, frames = time.monotonic(), self.played_frames
        if frames != self._last_frames:
            self._last_frames, self._moved_at = frames, now
            return False
        self.was_lost = now - self._moved_at > SILENT_DEVICE_SECONDS
        return self.was_lost

    @property
    def recorded_frames(self) -> int:
        """Frames the callback has recorded since the start."""
        return int(self._record.done_frames) if self._record is not None else 0

    @property
    def played_frames(self) -> int:
        """Frames the callback has played since the start."""
        return int(self._play.done_frames) if self._play is not None else 0

    def close(self) -> None:
        """Stop and close the stream."""
        stream, self._stream = self._stream, None
        if stream is not None:
            devices.close_stream(stream, "the duplex stream", lost=self.was_lost)


def _power_of_two(frames: float) -> int:
    return 1 << max(10, int(np.ceil(np.log2(max(frames, 1)))))
