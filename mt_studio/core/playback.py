"""Plain playback of a take: its audio tracks mixed to stereo, streamed from disk to a device.

A feeder thread reads blocks of every track with soundfile, mixes them (equal gain, centre pan)
and writes the mix into an rtmixer ring buffer; rtmixer's C callback plays the ring, so no file
is read and no Python runs in the real-time thread, and memory stays small however long the
take. The playhead is the frames the callback has actually taken from the ring.

Only the feeder thread talks to the mixer's action queue once playback runs (rtmixer's queues
have one writer and one reader), so `stop` asks the feeder to cancel and waits for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import soundfile as sf

from mt_studio.core.capture import devices
from mt_studio.core.capture.devices import load_sounddevice, native_messages_to_log
from mt_studio.core.domain import TrackKind
from mt_studio.core.errors import DeviceError, InputError
from mt_studio.core.library import Library, takes
from mt_studio.core.waveform import file_frames, open_track_file, part_paths
from mt_studio.i18n import _

log = logging.getLogger(__name__)

READ_FRAMES = 8192



def no_output_device_message() -> str:
    """What to say when there is no device to play through."""
    return _("No audio output was found, so takes cannot be played here. Is the audio "
             "interface or the speakers plugged in and the audio server running?")


def find_output_device(device: int | str | None = None) -> tuple[int, int]:
    """The PortAudio index and output channel count of DEVICE (a name, a part of one, an index)
    or of the default output; DeviceError with a plain message when there is none."""
    sd = load_sounddevice()
    try:
        found = [d for d in sd.query_devices() if d["max_output_channels"] > 0]
        default = sd.default.device[1]
    except sd.PortAudioError as error:
        log.info("output devices cannot be listed: %s", error)
        raise DeviceError(no_output_device_message()) from None
    if not found:
        raise DeviceError(no_output_device_message())
    if device is None:
        chosen = [d for d in found if d["index"] == default] or found[:1]
    elif isinstance(device, int):
        chosen = [d for d in found if d["index"] == device]
    else:
        wanted = device.strip().casefold()
        chosen = ([d for d in found if d["name"].casefold() == wanted]
                  or [d for d in found if wanted in d["name"].casefold()])
    if not chosen:
        raise DeviceError(_("No audio output matches '{name}'. Available: {available}.").format(
            name=device, available=", ".join(d["name"] for d in found)))
    return int(chosen[0]["index"]), int(chosen[0]["max_output_channels"])


class TrackReader:
    """Reads one track's files (its parts, in order) as one mono stream, silence past its end."""

    def __init__(self, paths: Sequence[Path], start_frame: int = 0) -> None:
        self._paths = list(paths)
        self._index = 0
        self._file: sf.SoundFile | None = None
        skip = start_frame
        while self._index < len(self._paths):
            frames = file_frames(self._paths[self._index])
            if skip < frames:
                break
            skip -= frames
            self._index += 1
        if self._index < len(self._paths):
            self._file = open_track_file(self._paths[self._index])
            self._file.seek(skip)

    def read(self, frames: int) -> np.ndarray:
        """The next FRAMES frames as float32 mono, zero-padded where the files end."""
        out = np.zeros(frames, dtype=np.float32)
        filled = 0
        while filled < frames and self._file is not None:
            got = self._file.read(frames - filled, dtype="float32", out=out[filled:])
            filled += len(got)
            if filled < frames:
                self._next_file()
        return out

    def _next_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._index += 1
        if self._index < len(self._paths):
            self._file = open_track_file(self._paths[self._index])

    def close(self) -> None:
        """Close the open file, if any."""
        if self._file is not None:
            self._file.close()
            self._file = None


def play_once(samples: np.ndarray, samplerate: int, device: int | str | None = None) -> None:
    """Play mono SAMPLES on the output device and return when they have sounded (a worker's call).

    Opened and closed under the PortAudio lock and counted as an open stream, like every other.
    """
    load_sounddevice()
    import rtmixer  # PortAudio's blocking writes crash on JACK; rtmixer's C callback does not

    samples = np.ascontiguousarray(samples, dtype=np.float32)
    with devices.stream_opening(), native_messages_to_log():
        mixer = rtmixer.Mixer(device=device, channels=1, samplerate=samplerate, latency="high")
        mixer.start()
    try:
        mixer.wait(mixer.play_buffer(samples, channels=[1]))
        mixer.stop()  # returns once what was handed over has sounded
    finally:
        with devices.portaudio_lock:
            mixer.close()
        devices.stream_closed()


class TakePlayer:
    """Plays a take's audio tracks (not its MIDI tracks) through an output device.

    `play(start_frame)` returns at once; the feeder thread opens the files. `position` is the
    playhead in frames, `playing` whether sound is going out, `reached_end` whether the last
    playback ran to the end of the take, `problem` a plain message if it stopped by trouble.
    """

    TICK_SECONDS = 0.02

    def __init__(self, library: Library, take_id: int, device: int | str | None = None,
                 *, ring_seconds: float = 1.5) -> None:
        take = takes.get(library.connection, take_id)
        self.take_id = take_id
        self.samplerate = take.samplerate
        self.device = device
        self.sources = [part_paths(library, track.id)
                        for track in take.tracks if track.kind is TrackKind.AUDIO]
        self.frames = take.frames
        self.gain = 1.0 / np.sqrt(max(1, len(self.sources)))
        self.problem: str | None = None
        self.reached_end = False
        self._ring_frames = 1 << max(12, int(np.ceil(np.log2(ring_seconds * self.samplerate))))
        self._mixer = None
        self._channels = 2
        self._lock = threading.Lock()
        self._base = 0
        self._done_before = 0
        self._action = None
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._ended.set()
        self._feeder: threading.Thread | None = None

    @property
    def is_open(self) -> bool:
        """Whether the output stream is open."""
        return self._mixer is not None

    def open(self) -> None:
        """Open and start the output stream (silent until `play`); DeviceError if it cannot."""
        if self._mixer is not None:
            return
        sd = load_sounddevice()
        import rtmixer

        try:
            with devices.stream_opening(), native_messages_to_log():
                index, outputs = find_output_device(self.device)
                self._channels = min(2, outputs)
                mixer = rtmixer.Mixer(device=index, channels=self._channels,
                                      samplerate=self.samplerate, latency="high")
                mixer.start()
        except (sd.PortAudioError, ValueError) as error:
            log.info("the output stream could not be opened: %s", error)
            raise DeviceError(_(
                "The audio output could not be opened to play this take at {rate} Hz. "
                "Check that the audio interface is on and not used by another program."
            ).format(rate=self.samplerate)) from None
        self._mixer = mixer

    def play(self, start_frame: int = 0) -> None:
        """Start playing from START_FRAME (stopping first if playing); opens the stream if
        needed (DeviceError if it cannot)."""
        if not self.sources:
            raise InputError(_("This take has no audio to play."))
        self.stop()
        self.open()
        start = max(0, min(int(start_frame), self.frames))
        with self._lock:
            self._base, self._done_before, self._action = start, 0, None
        self.problem = None
        self.reached_end = False
        self._stop.clear()
        self._ended.clear()
        self._feeder = threading.Thread(target=self._feed, args=(start,),
                                        name="mt-studio-playback", daemon=True)
        self._feeder.start()

    def stop(self) -> None:
        """Stop playing; the playhead stays where the sound stopped."""
        self._stop.set()
        if self._feeder is not None and self._feeder is not threading.current_thread():
            self._feeder.join()
        self._feeder = None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until playback stops (at the end, by `stop`, or by trouble); True if it has."""
        return self._ended.wait(timeout)

    @property
    def playing(self) -> bool:
        """Whether playback is under way."""
        return not self._ended.is_set()

    @property
    def position(self) -> int:
        """The playhead in frames: the frames the device has taken since `play` began."""
        with self._lock:
            done = self._done_before + (self._action.done_frames if self._action else 0)
            return min(self.frames, self._base + done)

    def close(self) -> None:
        """Stop and close the output stream."""
        self.stop()
        with self._lock:  # a worker that has just opened it may be closing it too
            mixer, self._mixer = self._mixer, None
        if mixer is not None:
            try:
                with devices.portaudio_lock:
                    mixer.abort()
                    mixer.close()
            except Exception as error:  # a vanished device may fail to close
                log.info("closing the output stream failed: %s", error)
            finally:
                devices.stream_closed()

    def _feed(self, start: int) -> None:
        import rtmixer

        readers: list[TrackReader] = []
        try:
            readers = [TrackReader(paths, start) for paths in self.sources]
            ring = rtmixer.RingBuffer(4 * self._channels, self._ring_frames)
            remaining = self.frames - start
            remaining -= self._fill(ring, readers, remaining)
            while not self._stop.is_set() and (remaining > 0 or ring.read_available):
                with self._lock:
                    self._action = self._mixer.play_ringbuffer(ring)
                while not self._stop.wait(self.TICK_SECONDS):
                    remaining -= self._fill(ring, readers, remaining)
                    if self._action not in self._mixer.actions:
                        break
                if self._stop.is_set():
                    self._cancel()
                with self._lock:
                    self._done_before += self._action.done_frames
                    self._action = None
                if not self._stop.is_set() and (remaining > 0 or ring.read_available):
                    log.warning("playback ran ahead of the disk; it goes on after a gap")
                    remaining -= self._fill(ring, readers, remaining)
            self.reached_end = not self._stop.is_set()
        except InputError as error:
            self.problem = str(error)
        except Exception as error:  # never leave the player stuck in "playing"
            log.exception("playback failed")
            self.problem = _("Playback stopped because of a problem: {error}").format(error=error)
        finally:
            for reader in readers:
                reader.close()
            self._ended.set()

    def _fill(self, ring, readers: list[TrackReader], remaining: int) -> int:
        """Mix as much as the ring has room for (at most REMAINING frames); return the count."""
        written = 0
        while remaining - written > 0:
            count = min(ring.write_available, READ_FRAMES, remaining - written)
            if count <= 0:
                break
            mono = np.zeros(count, dtype=np.float32)
            for reader in readers:
                mono += reader.read(count)
            mono *= self.gain
            np.clip(mono, -1.0, 1.0, out=mono)
            block = np.repeat(mono[:, None], self._channels, axis=1)
            ring.write(block)
            written += count
        return written

    def _cancel(self) -> None:
        """End the running action and wait (briefly) until the callback has let it go."""
        action = self._action
        if action is None or action not in self._mixer.actions:
            return
        self._mixer.cancel(action)
        deadline = time.monotonic() + 0.5
        while action in self._mixer.actions and time.monotonic() < deadline:
            time.sleep(0.005)  # the callback lets go within a block or two
