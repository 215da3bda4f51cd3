"""Playback of a take: its tracks mixed to stereo, looped if asked, streamed from disk.

A feeder thread reads blocks of every track (waveform.TrackReader), follows a LoopCursor, mixes
them by each track's gain, pan, mute and solo (mixing.py), and writes the mix into an rtmixer
ring buffer; rtmixer's C callback plays the ring, so no file is read and no Python runs in the
real-time thread, and memory stays small however long the take. A MIDI track is read as its
sound, synthesized beforehand (midi_audio.py). The playhead is the frames the callback has
taken from the ring, mapped back to the take's frames. Only the feeder thread talks to the
mixer's action queue once playback runs (rtmixer's queues have one writer and one reader), so
`stop` asks the feeder to cancel and waits for it.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Sequence

import numpy as np

from mt_studio.core.capture import devices
from mt_studio.core.capture.devices import load_sounddevice, native_messages_to_log
from mt_studio.core.capture.part_check import refuse_damaged
from mt_studio.core.domain.sound import TakeSound
from mt_studio.core.errors import DeviceError, InputError
from mt_studio.core.looping import LoopCursor, LoopRegion, fade_in_weights
from mt_studio.core.metronome import BeatGrid
from mt_studio.core.midi_audio import sounding_tracks
from mt_studio.core.mixing import TrackMix, mix_to_stereo, stereo_gains
from mt_studio.core.plugins.extensions import Processor
from mt_studio.core.practice import PracticeVersion
from mt_studio.core.waveform import TrackReader
from mt_studio.i18n import _, number_text

log = logging.getLogger(__name__)

SILENT_DEVICE_SECONDS = 1.5  # an output that takes no sound this long is gone
CHUNK_FRAMES = 2048  # mixed at a time: a fader's ramp and a loop request land within one


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
        devices.close_stream(mixer, "the one-off sound")


class TakePlayer:
    """Plays a take's tracks through an output device: mixed by gain, pan, mute and solo per
    track, and looped if asked; its MIDI tracks once `prepare()` has added their sound.

    `play(start_frame)` returns at once; a feeder thread opens the files, follows a LoopCursor
    and writes the stereo mix into a ring that rtmixer's C callback plays, so no file is read
    and no Python runs in the real-time thread, and memory stays small however long the take.
    `set_mix` and `set_loop` take effect in what the feeder mixes next, heard within the
    ring's length (a quarter second); a loop set `at_once` is heard at once, the ring emptied.
    `position` is the playhead in frames: the take's frame the device has reached, which a
    loop takes back to its start. `playing`, `reached_end` (the last playback ran to the
    take's end) and `problem` (a plain message if it stopped by trouble) tell how it goes.
    `set_practice` plays a practice version instead (slower, faster, transposed): positions,
    loops and the click stay in the take's frames, mapped onto the version's.
    """

    TICK_SECONDS = 0.02

    def __init__(self, sound: TakeSound, device: int | str | None = None,
                 *, ring_seconds: float = 0.25) -> None:
        self.take_id = sound.take.id
        self.samplerate = sound.samplerate
        self.device = device
        # What `prepare` checks and makes sound.
        self._take_tracks = [(t.id, list(t.files), t.is_midi) for t in sound.tracks]
        self.track_ids = [track_id for track_id, _paths, midi in self._take_tracks if not midi]
        self.sources = [paths for _track_id, paths, midi in self._take_tracks if not midi]
        self._folder, self._sound = sound.folder, sound
        self.midi_problem: str | None = None
        self.frames = sound.frames
        self._originals = list(self.sources)
        self._version: PracticeVersion | None = None
        self._length = sound.frames  # of what plays: the take, or its practice version
        self.problem: str | None = None
        self.device_lost = False  # the problem: the output went away
        self.reached_end = False
        self._ring_frames = 1 << max(12, int(np.ceil(np.log2(ring_seconds * self.samplerate))))
        self._mixer = None
        self._channels = 2
        # The feeder's requests (mixes, loop) and the playhead's bookkeeping, each under a
        # short lock of its own; neither is ever held across I/O.
        self._control = threading.Lock()
        self._mixes = [TrackMix() for _ in self.sources]
        self._click: BeatGrid | None = None
        self._effects: tuple[Processor, ...] = ()
        self._loop: LoopRegion | None = None
        self._loop_request: tuple[LoopRegion | None, bool] | None = None
        self._lock = threading.Lock()
        self._timeline: collections.deque[tuple[int, int, int]] = collections.deque()
        self._played = 0  # ring frames that earlier actions have played
        self._action = None
        self._resting = 0  # the playhead while nothing plays
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._ended.set()
        self._feeder: threading.Thread | None = None
        self._last_done: int | None = None  # the device watch: frames taken, and since when
        self._moved_at = 0.0
        self._lost = False  # the device went away: its stream is closed outside the lock

    def prepare(self, cancelled=None) -> None:
        """Check the files (LibraryError names one not as recorded), then add the MIDI tracks'
        sound before playing (a worker's call: CANCELLED stops it); `midi_problem` says why
        one cannot sound (it stays out)."""
        refuse_damaged(self._sound)
        sounding, self.midi_problem = sounding_tracks(
            self._folder, self._take_tracks, self.samplerate, self.frames, cancelled=cancelled)
        with self._control:  # mixes set already stay with their tracks
            mixes = dict(zip(self.track_ids, self._mixes, strict=True))
            self._mixes = [mixes.get(track_id, TrackMix()) for track_id, _paths in sounding]
        self.track_ids, self.sources = [t for t, _p in sounding], [p for _t, p in sounding]
        self._originals = list(self.sources)

    @property
    def is_open(self) -> bool:
        """Whether the output stream is open."""
        return self._mixer is not None

    @property
    def mixes(self) -> list[TrackMix]:
        """How each track sounds, in the order of `track_ids`."""
        with self._control:
            return list(self._mixes)

    def set_mix(self, index: int, mix: TrackMix) -> None:
        """Make track INDEX (of `track_ids`) sound as MIX, from the next block on."""
        with self._control:
            self._mixes[index] = mix

    def set_effects(self, effects: Sequence[Processor]) -> None:
        """Play the mix through EFFECTS (block processors, in order) from the next chunk on;
        none for the plain mix. A plugin's processor that fails passes the sound through."""
        with self._control:
            self._effects = tuple(effects)

    def set_click(self, grid: BeatGrid | None) -> None:
        """Sound a metronome on GRID's beats with the take (None: no click), from the next
        block on."""
        with self._control:
            self._click = grid

    @property
    def practice(self) -> PracticeVersion | None:
        """The practice version playing instead of the take, if any."""
        return self._version

    def set_practice(self, version: PracticeVersion | None) -> None:
        """Play VERSION (a practice version of `sources`, the tracks as prepared) from now on,
        or the take as recorded (None); playing goes on from the same moment of the take."""
        playing, at = self.playing, self.position
        self.stop()
        version = version if version is not None and version.rendered else None
        self._version = version
        self.sources = [list(t) for t in version.tracks] if version else list(self._originals)
        self._length = version.frames if version else self.frames
        with self._lock:
            self._resting = self._to_source(at)
        if playing:
            self.play(at)

    def _to_source(self, take_frame: int) -> int:
        """Where TAKE_FRAME sounds in what plays (the nearest end when outside it)."""
        frame = take_frame if self._version is None else self._version.to_version(take_frame)
        return max(0, min(int(frame), self._length))

    def _to_take(self, frame: int) -> int:
        return frame if self._version is None else self._version.to_take(frame)

    def _source_loop(self, loop: LoopRegion | None) -> LoopRegion | None:
        """LOOP (in take frames) in the frames of what plays; None if nothing of it plays."""
        if loop is None or self._version is None:
            return loop
        start, end = self._to_source(loop.start), self._to_source(loop.end)
        return LoopRegion(start, end, loop.crossfade) if end > start else None

    def _source_grid(self, grid: BeatGrid | None) -> BeatGrid | None:
        if grid is None or self._version is None:
            return grid
        speed = self._version.settings.speed
        return BeatGrid(grid.bpm * speed, grid.beats_per_bar,
                        self._version.to_version(grid.first))

    @property
    def loop(self) -> LoopRegion | None:
        """The loop asked for last (None: play to the end)."""
        with self._control:
            return self._loop

    def set_loop(self, loop: LoopRegion | None, at_once: bool = False) -> None:
        """Loop LOOP (None: play on to the end) from the running loop's next seam, or AT_ONCE.

        A loop past the take's end is refused with InputError."""
        if loop is not None and loop.end > self.frames:
            raise InputError(_("The loop ends at {end} s, after the take's end at {length} s.")
                             .format(end=number_text(loop.end / self.samplerate, 2),
                                     length=number_text(self.frames / self.samplerate, 2)))
        with self._control:
            self._loop = loop
            self._loop_request = (loop, at_once)

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
        needed (DeviceError if it cannot). Inside a loop, or before it, it plays into the loop;
        after it, it starts at the loop's start."""
        if not self.sources:
            raise InputError(self.midi_problem or _("This take has no audio to play."))
        self.stop()
        self.open()
        start = self._to_source(max(0, min(int(start_frame), self.frames)))
        with self._lock:
            self._timeline.clear()
            self._played, self._action, self._resting = 0, None, start
        with self._control:
            self._loop_request = None
        self.problem = None
        self.reached_end = False
        self._last_done = None
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
        """The playhead in frames: the take's frame the device has reached."""
        with self._lock:
            if self._action is None:
                return self._to_take(self._resting)
            return self._to_take(self._frame_at(self._played + self._action.done_frames))

    def close(self) -> None:
        """Stop and close the output stream."""
        self.stop()
        with self._lock:  # a worker that has just opened it may be closing it too
            mixer, self._mixer = self._mixer, None
        if mixer is not None:
            devices.close_stream(mixer, "the output stream", lost=self._lost)

    def _frame_at(self, played: int) -> int:
        """The take's frame at ring frame PLAYED (under the lock), forgetting older spans."""
        timeline = self._timeline
        while len(timeline) > 1 and timeline[0][0] + timeline[0][2] <= played:
            timeline.popleft()
        if not timeline:
            return self._resting
        offset, first, count = timeline[0]
        return first + max(0, min(played - offset, count))

    def _feed(self, start: int) -> None:
        import rtmixer

        readers: list[TrackReader] = []
        try:
            readers = [TrackReader(paths, start) for paths in self.sources]
            with self._control:
                cursor = LoopCursor(self._length, start, self._source_loop(self._loop))
                gains = stereo_gains(self._mixes)
            ring = rtmixer.RingBuffer(4 * self._channels, self._ring_frames)
            written = 0  # ring frames written since play began
            while not self._stop.is_set():
                if self._take_loop_request(cursor):
                    ring = rtmixer.RingBuffer(4 * self._channels, self._ring_frames)
                    with self._lock:
                        written = self._played
                gains, count = self._fill(ring, readers, cursor, gains, written)
                written += count
                self._forget_played()
                action = self._action
                if action is None and ring.read_available:
                    with self._lock:
                        self._action = self._mixer.play_ringbuffer(ring)
                elif action is not None and action not in self._mixer.actions:
                    self._action_ended()  # the ring ran dry: at the end, or behind
                    if cursor.at_end and not ring.read_available:
                        self.reached_end = True
                        break
                    log.warning("playback ran ahead of the disk; it goes on after a gap")
                    continue
                elif action is None and cursor.at_end:
                    self.reached_end = True
                    break
                if self._device_lost(action):
                    self._lost = self.device_lost = True
                    self.problem = _("The audio output stopped: the audio interface or its "
                                     "server went away.")
                    break
                self._stop.wait(self.TICK_SECONDS)
            if self._stop.is_set():
                self._cancel()
        except InputError as error:
            self.problem = str(error)
        except Exception as error:  # never leave the player stuck in "playing"
            log.exception("playback failed")
            self.problem = _("Playback stopped because of a problem: {error}").format(error=error)
        finally:
            for reader in readers:
                reader.close()
            if self._action is not None and self._mixer is not None:
                self._cancel()  # stopped by trouble: the ring's tail must not play on
            with self._lock:
                if self._action is not None:
                    self._resting = self._frame_at(self._played + self._action.done_frames)
                    self._action = None
                elif self.reached_end:
                    self._resting = self._length
            self._ended.set()

    def _device_lost(self, action) -> bool:
        """True when the device stopped taking sound: the stream is no longer active, or the
        running action has not moved for SILENT_DEVICE_SECONDS (a vanished JACK server
        leaves both the stream and the action as they were)."""
        if not self._mixer.active:
            return True
        done = action.done_frames if action is not None else None
        now = time.monotonic()
        if done is None or done != self._last_done:
            self._last_done, self._moved_at = done, now
            return False
        return now - self._moved_at > SILENT_DEVICE_SECONDS

    def _take_loop_request(self, cursor: LoopCursor) -> bool:
        """Hand a new loop to CURSOR; True when it is to be heard at once (the ring must then
        be emptied: the sound goes on from the frame playing now)."""
        with self._control:
            request, self._loop_request = self._loop_request, None
        if request is None:
            return False
        loop, at_once = request
        loop = self._source_loop(loop)
        if not at_once:
            cursor.set_loop(loop)
            return False
        self._cancel()
        with self._lock:
            if self._action is not None:
                self._played += self._action.done_frames
                self._action = None
            now = self._frame_at(self._played)
            self._timeline.clear()
            self._resting = now
        cursor.position = now
        cursor.set_loop(loop, at_once=True)
        return True

    def _forget_played(self) -> None:
        """Let go of the spans already played (the playhead reads only the one playing)."""
        with self._lock:
            if self._action is not None:
                self._frame_at(self._played + self._action.done_frames)

    def _action_ended(self) -> None:
        with self._lock:
            self._played += self._action.done_frames
            self._resting = self._frame_at(self._played)
            self._action = None

    def _fill(self, ring, readers: list[TrackReader], cursor: LoopCursor, gains: np.ndarray,
              written: int) -> tuple[np.ndarray, int]:
        """Mix what the ring has room for, following CURSOR; the gains reached and the count."""
        count = 0
        block = np.empty((len(readers), CHUNK_FRAMES), dtype=np.float32)
        blend = np.empty_like(block)
        while ring.write_available >= CHUNK_FRAMES and not cursor.at_end:
            wanted = min(ring.write_available, CHUNK_FRAMES)
            with self._control:
                target = stereo_gains(self._mixes)
                click = self._source_grid(self._click)
                effects = self._effects
            for span in cursor.spans(wanted):
                rows = block[:, :span.count]
                self._read(readers, span.first, rows)
                if span.blend is not None:
                    self._read(readers, span.blend, blend[:, :span.count])
                    weights = fade_in_weights(span.fade, span.at, span.count)
                    rows += weights * (blend[:, :span.count] - rows)
                share = span.count / wanted
                end = gains + (target - gains) * share
                mixed = mix_to_stereo(rows, gains, end)
                for effect in effects:
                    mixed = np.clip(effect.process(mixed), -1.0, 1.0)
                if click is not None:
                    mixed += click.clicks(self.samplerate, span.first, span.count)[:, None]
                    np.clip(mixed, -1.0, 1.0, out=mixed)
                if self._channels == 1:
                    mixed = mixed.mean(axis=1, keepdims=True)
                ring.write(mixed)
                gains = end
                with self._lock:
                    self._timeline.append((written + count, span.first, span.count))
                count += span.count
        return gains, count

    @staticmethod
    def _read(readers: list[TrackReader], first: int, rows: np.ndarray) -> None:
        for reader, row in zip(readers, rows, strict=True):
            if reader.position != first:
                reader.seek(first)
            reader.read(len(row), out=row)

    def _cancel(self) -> None:
        """End the running action and wait (briefly) until the callback has let it go."""
        action = self._action
        if action is None or action not in self._mixer.actions:
            return
        self._mixer.cancel(action)
        deadline = time.monotonic() + 0.5
        while action in self._mixer.actions and time.monotonic() < deadline:
            time.sleep(0.005)  # the callback lets go within a block or two
