"""The looper: record a loop, then layer over it while it plays, each layer lined up by the
device's measured round trip.

Everything happens on one duplex stream (duplex.py): frame p of what is played and frame
p + round trip of what is recorded are the same moment for someone playing along. A loop is
anchored at the played frame where its first layer began (`anchor`); loop position k sounds at
every played frame anchor + n * length + k. An overdub records exactly one pass, from the first
seam the listener has not yet heard to the next, shifted back by the round trip; so a player
who plays in time with what they hear lands on the loop's grid.

Layers are short and kept in memory for playing: a layer sounds in the loop from the moment
its pass is complete. A writer thread then hands it to the looper's `LayerKeeper` (the studio's
recording service), which keeps it in a take of the session with who can be heard on it, its
sound written here as its own WAV (fsync'd, then linked in), or sealed under the take's key
when the keeper gives one; the keeper asks consent for each layer as for any track. The
audio worker only drains what was recorded and fills what is played, a few ticks ahead of the
ear, and never waits on the disk or the GUI. A device that goes away stops the looper; what
was being played then is kept too.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from mt_studio.core import metronome
from mt_studio.core.capture.file_seal import FileSeal, audio_meta
from mt_studio.core.capture.wav_stream import SampleFormat, header
from mt_studio.core.domain.takes import Layer
from mt_studio.core.duplex import DuplexStream
from mt_studio.core.durable_files import created_atomically
from mt_studio.core.errors import InputError
from mt_studio.core.sealing.stream import seal_file
from mt_studio.core.tempo import check_tempo
from mt_studio.i18n import _

log = logging.getLogger(__name__)

TICK_SECONDS = 0.01
AHEAD_FRAMES = 4096  # written ahead of the ear: ~85 ms at 48 kHz, ample for a 10 ms tick


class LooperState(enum.StrEnum):
    """What the looper is doing."""

    IDLE = "idle"  # no loop yet
    RECORDING = "recording"  # the first layer, which sets the loop's length
    LOOPING = "looping"
    ARMED = "armed"  # an overdub waits for the next seam
    OVERDUBBING = "overdubbing"


@dataclass(frozen=True)
class Player:
    """Who plays into which input for a layer, as the input assignment says; LABEL is the
    input's instrument or voice, which the layer's track carries."""

    input: int
    owners: tuple[int, ...] = ()
    isolated: bool = False
    label: str | None = None


@dataclass(frozen=True)
class LayerToKeep:
    """A finished layer to keep: who played it into which input (PLAYER), who can be heard on
    it (HEARD), its length and the frames it was moved back by (LATENCY, the round trip)."""

    player: Player
    heard: tuple[int, ...]
    frames: int
    latency: int


class LayerWriter(Protocol):
    """Writes a layer's sound at PATH, a new file, sealed under SEAL if given (a sealed
    take's); returns the SHA-256 of its samples."""

    def __call__(self, path: Path, seal: FileSeal | None = None) -> str: ...


class LayerKeeper(Protocol):
    """Where a looper keeps its layers and asks whether a player may be recorded: the studio's
    recording service, which keeps them in a take of the session (`recording.looper`)."""

    def heard(self, player: Player) -> tuple[int, ...]:
        """Who can be heard on PLAYER's layer by the consent rules; ConsentRefused naming who
        may not be recorded."""

    def keep(self, take_id: int | None, layer: LayerToKeep,
             write: LayerWriter) -> tuple[int, int]:
        """Keep LAYER as the next layer of TAKE_ID (None: in a new take, the loop's), its sound
        written by WRITE to the path it is given, sealed under the seal it is given if any
        (it returns the SHA-256 of the samples); all of it or nothing. Called from the
        looper's writer thread; returns the take's id and the layer's track id."""

    def undo(self, take_id: int) -> Layer | None:
        """Leave the newest layer of TAKE_ID out of the loop; the layer, or None if none is."""

    def redo(self, take_id: int) -> Layer | None:
        """Bring back the layer of TAKE_ID undone last; the layer, or None if none may be."""

    def set_muted(self, take_id: int, track_id: int, muted: bool) -> None:
        """Mute or unmute the layer on TRACK_ID of TAKE_ID."""

    def of_take(self, take_id: int) -> list[Layer]:
        """The layers of TAKE_ID, first played first."""

    def done(self, take_id: int | None) -> None:
        """The looper stopped: no layer is kept in TAKE_ID (None: none was) any more."""


@dataclass
class _Capture:
    player: Player
    heard: tuple[int, ...]  # who can be heard on it: the consent policy's answer
    first: int  # recorded frame where the pass begins
    frames: int | None  # None: until stopped (the first layer without a set length)
    samples: list[np.ndarray]
    got: int = 0


@dataclass
class _Layer:
    """A layer as the loop plays it: its sound, its track once kept, and whether it sounds."""

    sound: np.ndarray
    track_id: int | None = None
    audible: bool = True


class Looper:
    """A loop and its layers, recorded from and played through one device.

    `start()` opens the device; `record_loop(player, frames=None)` records the first layer
    (`frames` fixes the length, e.g. bars at a tempo; else `close_loop()` ends it); `overdub`
    records one more pass; `undo`, `redo` and `set_muted` change what the loop plays; `stop()`
    closes the device. `problem` says, in plain words, why it stopped by itself. KEEPER asks
    consent for each layer and keeps it (the studio's `recording.looper` makes one wired to
    the studio).
    """

    def __init__(self, keeper: LayerKeeper, device: str, samplerate: int, inputs: int,
                 *, round_trip: int = 0) -> None:
        self._keeper = keeper
        self.device = device
        self.samplerate = samplerate
        self.round_trip = round_trip
        self.take_id: int | None = None
        self.length: int | None = None
        self.anchor: int | None = None
        self.problem: str | None = None
        self._stream = DuplexStream(device, samplerate, inputs)
        self._lock = threading.Lock()
        self._kept = threading.Condition(self._lock)  # notified whenever a layer is kept
        self._state = LooperState.IDLE
        self._capture: _Capture | None = None
        self._layers: list[_Layer] = []  # in the order played
        self._to_keep: queue.Queue[tuple[_Capture, _Layer] | None] = queue.Queue()
        self._writer = threading.Thread(target=self._keep_layers, name="mt-studio-looper-keep",
                                        daemon=True)
        self._click: float | None = None  # the loop's tempo, when it clicks along
        self._count_in: tuple[int, metronome.CountIn] | None = None  # from the played frame
        self._recorded = 0  # recorded frames drained so far
        self._written = 0  # played frames written so far
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mt-studio-looper", daemon=True)
        self.layer_done = threading.Event()  # set each time a layer is kept

    @property
    def state(self) -> LooperState:
        """What the looper is doing now."""
        with self._lock:
            return self._state

    def start(self) -> None:
        """Open the device and start the stream (silent until there is a loop)."""
        self._stream.open()
        self._stream.wait_until_started()
        self._written = self._stream.prefilled
        self._writer.start()
        self._thread.start()

    def finish_layer(self, timeout: float) -> bool:
        """End the layer being recorded well, so that `stop` loses nothing played: a free first
        layer is closed now, a layer of set length or an overdub plays out its pass, an overdub
        still waiting for its seam is called off. Waits up to TIMEOUT seconds for the layer to
        be kept; True when nothing is left being recorded."""
        with self._kept:
            if self._state is LooperState.ARMED:
                self._capture, self._state = None, LooperState.LOOPING
            self._close_free_layer()
            return self._kept.wait_for(lambda: self._state not in (
                LooperState.RECORDING, LooperState.OVERDUBBING), timeout)

    def stop(self) -> None:
        """Stop (a layer still being recorded is dropped: `finish_layer` first), close the
        device, and return once every finished layer is on disk."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self._stream.close()
        if self._writer.is_alive():
            self._to_keep.put(None)
            self._writer.join()
        self._keeper.done(self.take_id)

    @property
    def heard(self) -> int:
        """The played frame the listener hears about now."""
        return self._stream.played_frames

    def check(self, player: Player) -> tuple[int, ...]:
        """Who can be heard on PLAYER's layer; ConsentRefused (naming who) or InputError (a
        missing input) if it could not be recorded, the looper left as it was."""
        if not 1 <= player.input <= self._stream.inputs:
            raise InputError(_("Input {input} is not among the {count} this looper records.")
                             .format(input=player.input, count=self._stream.inputs))
        return self._keeper.heard(player)

    def record_loop(self, player: Player, frames: int | None = None, *,
                    count_in: metronome.CountIn | None = None) -> None:
        """Start the first layer now, FRAMES long (None: until `close_loop`); called before
        `start`, it begins with the stream's first frame. With COUNT_IN (on a started
        looper), its clicks play first and the layer begins on the downbeat after them."""
        heard = self.check(player)
        with self._lock:
            if self._state is not LooperState.IDLE:
                raise InputError(_("This looper has its loop already; overdub instead."))
            if count_in is not None:
                if not self._thread.is_alive():
                    raise ValueError("a count-in needs a started looper")
                self._count_in = (self._written, count_in)  # from the next frame it plays
                self.anchor = self._written + count_in.frames
                first = self.anchor + self.round_trip
            else:
                first = self._stream.recorded_frames  # what the player plays from now on
                self.anchor = first - self.round_trip
            self._capture = _Capture(player, heard, first, frames, [])
            self.length = frames
            self._state = LooperState.RECORDING

    def set_click(self, bpm: float | None) -> None:
        """Click on the loop's beats at BPM (the first layer's start is a downbeat), or not."""
        with self._lock:
            self._click = None if bpm is None else check_tempo(bpm)

    def counting_in(self) -> int | None:
        """The count-in's beat number the listener hears now (1, 2, 3, 4, ...), or None."""
        with self._lock:
            if self._count_in is None:
                return None
            begin, counted = self._count_in
        heard = self.heard - begin
        if not 0 <= heard < counted.frames:
            return None
        return counted.number_at(heard)

    def close_loop(self) -> None:
        """End the first layer here: its length is the loop's."""
        with self._lock:
            self._close_free_layer()

    def _close_free_layer(self) -> None:
        """A first layer of no set length ends at the frame recorded now (under the lock)."""
        capture = self._capture
        if self._state is LooperState.RECORDING and capture is not None and capture.frames is None:
            capture.frames = max(1, self._stream.recorded_frames - capture.first)

    def overdub(self, player: Player) -> None:
        """Record one more pass from the next seam the listener has not heard yet."""
        heard = self.check(player)
        with self._lock:
            if self._state is not LooperState.LOOPING:
                raise InputError(_("There is no loop to play over yet."))
            seams = -(-(self.heard - self.anchor) // self.length)  # ceiling
            seam = self.anchor + seams * self.length
            if seam + self.round_trip < self._recorded:  # its start is drained already
                seam += self.length
            self._capture = _Capture(player, heard, seam + self.round_trip, self.length, [])
            self._state = LooperState.ARMED

    def undo(self) -> Layer | None:
        """Leave out the newest layer; it is kept, and `redo` brings it back."""
        return self._change(self._keeper.undo)

    def redo(self) -> Layer | None:
        """Bring back the layer undone last."""
        return self._change(self._keeper.redo)

    def set_muted(self, track_id: int, muted: bool) -> None:
        """Mute or unmute one layer."""
        if self.take_id is None:  # no layer kept yet, so none on TRACK_ID
            raise InputError(_("No track with id {id}.").format(id=track_id))
        self._keeper.set_muted(self.take_id, track_id, muted)
        self._reload()

    def layers(self) -> list[Layer]:
        """The layers so far, first played first."""
        if self.take_id is None:
            return []
        return self._keeper.of_take(self.take_id)

    def _change(self, change: Callable[[int], Layer | None]) -> Layer | None:
        if self.take_id is None:
            return None
        changed = change(self.take_id)
        self._reload()
        return changed

    def _reload(self) -> None:
        """Sound the kept layers as the library says (undone, muted); layers not kept yet
        sound on."""
        audible = {layer.track_id: layer.audible for layer in self.layers()}
        with self._lock:
            for layer in self._layers:
                if layer.track_id in audible:
                    layer.audible = audible[layer.track_id]

    def _run(self) -> None:
        try:
            while not self._stop.wait(TICK_SECONDS):
                if self._stream.lost():
                    self.problem = _("The audio device stopped. What was played is kept.")
                    self._keep_what_was_played()
                    break
                self._drain()
                self._fill()
        except Exception as error:  # never leave the looper playing with nobody minding it
            log.exception("the looper failed")
            self.problem = _("The looper stopped because of a problem: {error}").format(
                error=error)
        finally:
            self._stream.close()

    def _drain(self) -> None:
        ring = self._stream.recorded
        available = ring.read_available
        if not available:
            return
        block = np.frombuffer(ring.read(available), dtype=np.float32).reshape(
            -1, self._stream.inputs)
        first, self._recorded = self._recorded, self._recorded + len(block)
        with self._lock:
            capture = self._capture
            if capture is None:
                return
            if self._state is LooperState.ARMED and self._recorded > capture.first:
                self._state = LooperState.OVERDUBBING
        start = max(first, capture.first)
        end = self._recorded if capture.frames is None else min(
            self._recorded, capture.first + capture.frames)
        if end > start:
            capture.samples.append(block[start - first:end - first, capture.player.input - 1]
                                   .copy())
            capture.got += end - start
        if capture.frames is not None and capture.got >= capture.frames:
            self._finished(capture, np.concatenate(capture.samples)[:capture.frames])

    def _finished(self, capture: _Capture, sound: np.ndarray) -> None:
        """The pass is complete: it sounds in the loop from now on, and goes to be kept."""
        layer = _Layer(sound)
        with self._kept:
            self._layers.append(layer)
            self.length = len(sound)
            self._capture = None
            self._state = LooperState.LOOPING
            self._kept.notify_all()
        self._to_keep.put((capture, layer))

    def _keep_what_was_played(self) -> None:
        """The device went: a layer being played is kept as far as it got (an overdub filled
        out with silence to the loop's length, so that it still lines up)."""
        with self._lock:
            capture = self._capture
        if capture is None or not capture.got:
            return
        sound = np.concatenate(capture.samples)
        if self.length and capture.frames == self.length and len(sound) < self.length:
            sound = np.concatenate([sound, np.zeros(self.length - len(sound), np.float32)])
        self._finished(capture, sound)

    def _keep_layers(self) -> None:
        """The writer: each finished layer to the keeper, until told to stop (None)."""
        # The studio's keeper writes from this thread on the connection the window uses too:
        # its transaction holds the studio's lock, so neither thread's change can mix into the
        # other's (this thread no longer needs a connection of its own for that).
        while (item := self._to_keep.get()) is not None:
            capture, layer = item
            try:
                self._keep(capture, layer)
            except Exception as error:  # the sound stays in the loop; say it is not kept
                log.exception("a layer could not be kept")
                self.problem = _("A layer could not be saved: {error}. It still plays in "
                                 "the loop; stop the looper and check the disk.").format(
                    error=error)

    def _keep(self, capture: _Capture, layer: _Layer) -> None:
        sound = layer.sound
        take_id, track_id = self._keeper.keep(
            self.take_id, LayerToKeep(capture.player, capture.heard, len(sound), self.round_trip),
            lambda path, seal=None: _write_durably(path, sound, self.samplerate, seal))
        self.take_id = take_id  # only once the take is in the library
        with self._lock:
            layer.track_id = track_id
        self.layer_done.set()
        log.info("layer of %d frames kept in take %d", len(sound), self.take_id)

    def _fill(self) -> None:
        """Write what plays next, a few ticks ahead of the ear and no further: a layer just
        finished, or a mute, is heard that soon."""
        ring = self._stream.played
        room = min(ring.write_available, max(0, AHEAD_FRAMES - (self._written - self.heard)))
        if not room:
            return
        block = np.zeros(room, dtype=np.float32)
        # Under the lock, so that a count-in asked for meanwhile starts on a frame not yet
        # written (a few thousand frames of arithmetic: no I/O, nothing that waits).
        with self._lock:
            written = self._written
            sounds = [layer.sound for layer in self._layers if layer.audible]
            anchor, length = self.anchor, self.length
            if sounds and length:
                frames = np.arange(written, written + room)
                positions = (frames - anchor) % length
                started = frames >= anchor + length
                for sound in sounds:
                    block += np.where(started, sound[positions], 0.0)
            if self._count_in is not None:
                begin, counted = self._count_in
                low, high = max(written, begin), min(written + room, begin + counted.frames)
                if high > low:
                    block[low - written:high - written] += counted.samples[low - begin:
                                                                           high - begin]
            if self._click is not None and anchor is not None:
                grid = metronome.BeatGrid(self._click, 4, anchor)
                block += grid.clicks(self.samplerate, written, room)
            np.clip(block, -1.0, 1.0, out=block)
            ring.write(np.ascontiguousarray(np.repeat(block[:, None], self._stream.outputs,
                                                      axis=1)))
            self._written += room


def _write_durably(path, sound: np.ndarray, samplerate: int,
                   seal: FileSeal | None = None) -> str:
    """Write SOUND as a mono float WAV at PATH (sealed under SEAL, if given: the samples
    alone), a new file: all of it, on disk, or nothing; a file already at PATH is refused,
    never written over. Returns the SHA-256 of its samples, as a recorded part's
    (`wav_stream.WavStreamWriter.sha256`)."""
    samples = memoryview(np.ascontiguousarray(sound, dtype="<f4")).cast("B")
    if seal is not None:
        seal_file(path, samples, seal.key, seal.name, seal.take_id,
                  audio_meta(samplerate, SampleFormat.FLOAT32))
        return hashlib.sha256(samples).hexdigest()
    with created_atomically(path) as file:
        file.write(header(samplerate, SampleFormat.FLOAT32, len(sound)))
        file.write(samples)
    return hashlib.sha256(samples).hexdigest()
