"""A General MIDI synthesizer for MIDI tracks: FluidSynth (through pyfluidsynth) with a GM
soundfont, rendering a Standard MIDI File offline into a mono WAV.

Offline means faster than real time and the same samples every time: each message is sent to
the synthesizer at its frame (FluidSynth starts it at its next 64-frame block, 1.3 ms at
48 kHz at most), program changes, controllers, pitch bend and pressure included; channel 10 is
GM's drum kit. The stereo the soundfont makes (a panned kit, a wide piano) is folded to mono,
as a track of the take is mono and has its own pan in the mix.

The soundfont is the first of $MT_STUDIO_SOUNDFONT and SOUNDFONTS that exists: FluidR3 GM
(Debian's fluid-soundfont-gm), which sounds best of the free GM sets, then whatever the system
names its default GM soundfont, then the small TimGM6mb that Debian's libfluidsynth3 brings.
When the library or a soundfont is missing, `SynthUnavailable` says what to install.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import mido
import numpy as np

from mt_studio.core.errors import InputError
from mt_studio.core.sealing.audio import FloatWavWriter
from mt_studio.core.sealing.files import Sealing, midi_file
from mt_studio.i18n import _

log = logging.getLogger(__name__)

SOUNDFONT_ENV = "MT_STUDIO_SOUNDFONT"
SOUNDFONTS = (
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),  # Debian, Ubuntu: fluid-soundfont-gm
    Path("/usr/share/soundfonts/FluidR3_GM.sf2"),  # Fedora, Arch
    Path("/usr/share/sounds/sf2/default-GM.sf2"),  # Debian's choice among those installed
    Path("/usr/share/sounds/sf3/default-GM.sf3"),
    Path("/usr/share/soundfonts/default.sf2"),
    Path("/usr/share/sounds/sf2/TimGM6mb.sf2"),  # Debian: timgm6mb-soundfont (5 MB)
)
GAIN = 1.0  # FluidSynth's master gain: a piano chord at velocity 90 peaks near -10 dBFS
RATES = (8000, 96000)  # the sample rates FluidSynth renders at
BLOCK_FRAMES = 1 << 14  # rendered and written at a time (at most)

Cancelled = Callable[[], bool]


class SynthUnavailable(InputError):
    """MIDI cannot be made into sound here: no synthesizer, no soundfont, or an unusable one."""


class RenderCancelled(Exception):
    """The caller's `cancelled` said so; nothing was written."""


def find_soundfont() -> Path:
    """The GM soundfont to use: $MT_STUDIO_SOUNDFONT when set, else the first of SOUNDFONTS
    that exists; SynthUnavailable saying what to install when there is none."""
    chosen = os.environ.get(SOUNDFONT_ENV)
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise SynthUnavailable(_("The soundfont {file} (set in {variable}) is missing, so "
                                     "MIDI parts cannot be heard.").format(
                                         file=path, variable=SOUNDFONT_ENV))
        return path
    for path in SOUNDFONTS:
        if path.is_file():
            return path.resolve()
    raise SynthUnavailable(_("No General MIDI soundfont was found, so MIDI parts cannot be "
                             "heard. Install one (on Debian: the package fluid-soundfont-gm) "
                             "or name a .sf2 file in {variable}.").format(
                                 variable=SOUNDFONT_ENV))


def synth_version() -> str:
    """FluidSynth's version ("2.3.1"); SynthUnavailable when it is not installed."""
    fluidsynth = _fluidsynth()
    major, minor, micro = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    fluidsynth.fluid_version(major, minor, micro)
    return f"{major.value}.{minor.value}.{micro.value}"


def synth_problem() -> str | None:
    """Why MIDI parts cannot be heard here, in plain words; None when they can."""
    try:
        synth_version()
        find_soundfont()
    except SynthUnavailable as error:
        return str(error)
    return None


def timed_messages(path: Path, samplerate: int) -> list[tuple[int, mido.Message]]:
    """The channel messages of the MIDI file at PATH, each at its frame (at SAMPLERATE), in
    order; InputError naming the file when it is missing or cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise InputError(_("The MIDI file {file} is missing.").format(file=path))
    try:
        messages = list(midi_file(path))
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError) as error:
        raise InputError(_("The MIDI file {file} cannot be read: {reason}").format(
            file=path, reason=error)) from None
    timed, seconds = [], 0.0
    for message in messages:
        seconds += message.time
        if not message.is_meta and hasattr(message, "channel"):
            timed.append((round(seconds * samplerate), message))
    return timed


def render_midi(midi_path: Path, out: Path, samplerate: int, frames: int, *,
                soundfont: Path | None = None, cancelled: Cancelled | None = None,
                sealing: Sealing | None = None) -> None:
    """Render the MIDI file at MIDI_PATH into the file OUT as FRAMES frames of mono float32
    WAV at SAMPLERATE (sealed as SEALING says, if given): the notes from frame 0, silence or
    the last notes' ring to the end. SOUNDFONT defaults to `find_soundfont()`.

    SynthUnavailable without a usable synthesizer or soundfont, InputError for a malformed MIDI
    file, RenderCancelled when CANCELLED says so between blocks (OUT is then incomplete).
    """
    if not RATES[0] <= samplerate <= RATES[1]:
        raise SynthUnavailable(_("MIDI parts cannot be heard in a take at {rate} Hz: the "
                                 "synthesizer works from {low} to {high} Hz.").format(
                                     rate=samplerate, low=RATES[0], high=RATES[1]))
    events = timed_messages(midi_path, samplerate)
    soundfont = soundfont or find_soundfont()
    synth = _Synth(soundfont, samplerate)
    try:
        with FloatWavWriter(out, samplerate, sealing) as file:
            position = 0
            for frame, message in [*events, (frames, None)]:
                frame = min(frame, frames)
                while position < frame:
                    if cancelled is not None and cancelled():
                        raise RenderCancelled
                    count = min(BLOCK_FRAMES, frame - position)
                    file.write(synth.render(count))
                    position += count
                if message is not None and position < frames:
                    synth.send(message)
    finally:
        synth.close()


class _Synth:
    """One FluidSynth instance with SOUNDFONT loaded, rendered by hand (no audio driver)."""

    def __init__(self, soundfont: Path, samplerate: int) -> None:
        fluidsynth = _fluidsynth()
        self._fs = fluidsynth
        # One core: the same samples on every machine. Reverb and chorus as the soundfont's
        # makers meant them.
        self._synth = fluidsynth.Synth(gain=GAIN, samplerate=float(samplerate),
                                       channels=16, **{"synth.cpu-cores": 1})
        self._buffer = np.zeros((BLOCK_FRAMES, 2), dtype=np.float32)
        # update_midi_preset: every channel gets its program (and channel 10 its kit) from it
        if self._synth.sfload(str(soundfont), update_midi_preset=1) < 0:
            self.close()
            raise SynthUnavailable(_("The soundfont {file} cannot be read by the synthesizer, "
                                     "so MIDI parts cannot be heard.").format(file=soundfont))

    def render(self, frames: int) -> np.ndarray:
        """The next FRAMES frames (at most BLOCK_FRAMES), folded to mono float32."""
        out = self._buffer[:frames]
        address = out.ctypes.data
        _bindings().write_float(self._synth.synth, frames, address, 0, 2, address, 1, 2)
        return out.mean(axis=1, dtype=np.float32)

    def send(self, message: mido.Message) -> None:
        """Play MESSAGE (a channel message) from the next block on."""
        synth, kind, channel = self._synth, message.type, message.channel
        if kind == "note_on":
            synth.noteon(channel, message.note, message.velocity)  # velocity 0 ends the note
        elif kind == "note_off":
            synth.noteoff(channel, message.note)
        elif kind == "control_change":
            synth.cc(channel, message.control, message.value)
        elif kind == "program_change":
            synth.program_change(channel, message.program)
        elif kind == "pitchwheel":
            synth.pitch_bend(channel, message.pitch)
        elif kind == "aftertouch":
            _bindings().channel_pressure(synth.synth, channel, message.value)
        elif kind == "polytouch":
            _bindings().key_pressure(synth.synth, channel, message.note, message.value)

    def close(self) -> None:
        """Free the synthesizer and its soundfont."""
        if self._synth is not None:
            self._synth.delete()
            self._synth = None


def _fluidsynth():
    """The pyfluidsynth module, loaded on first use (it loads libfluidsynth); SynthUnavailable
    when either is missing."""
    try:
        fluidsynth = _imported_quietly()
    except (ImportError, OSError) as error:  # no binding, or no libfluidsynth for it
        log.info("FluidSynth cannot be loaded: %s", error)
        raise SynthUnavailable(_("The FluidSynth synthesizer is not installed, so MIDI parts "
                                 "cannot be heard (on Debian: the package libfluidsynth3)."
                                 )) from None
    _bindings()
    return fluidsynth


def _imported_quietly():
    """pyfluidsynth, imported once with stdout held: it prints where it found the library when
    CI is set, and a command's stdout (its --json answer) is no place for that. The hold
    swaps stdout for every thread, so it lasts only for that first import."""
    with _loading:
        module = sys.modules.get("fluidsynth")
        if module is not None:
            return module
        said = io.StringIO()
        try:
            with contextlib.redirect_stdout(said):
                import fluidsynth
        finally:
            if said.getvalue().strip():
                log.debug("pyfluidsynth: %s", said.getvalue().strip())
        return fluidsynth


class _Bindings:
    """The few libfluidsynth functions pyfluidsynth does not wrap, declared with its own
    `cfunc` on the library it loaded; and FluidSynth's messages sent to our log."""

    def __init__(self, fluidsynth) -> None:
        c_int, c_void_p = ctypes.c_int, ctypes.c_void_p
        # int fluid_synth_write_float(synth, len, lout, loff, lincr, rout, roff, rincr)
        self.write_float = fluidsynth.cfunc(
            "fluid_synth_write_float", c_int, ("synth", c_void_p, 1), ("len", c_int, 1),
            ("lout", c_void_p, 1), ("loff", c_int, 1), ("lincr", c_int, 1),
            ("rout", c_void_p, 1), ("roff", c_int, 1), ("rincr", c_int, 1))
        self.channel_pressure = fluidsynth.cfunc(
            "fluid_synth_channel_pressure", c_int, ("synth", c_void_p, 1), ("chan", c_int, 1),
            ("val", c_int, 1))
        self.key_pressure = fluidsynth.cfunc(
            "fluid_synth_key_pressure", c_int, ("synth", c_void_p, 1), ("chan", c_int, 1),
            ("key", c_int, 1), ("val", c_int, 1))
        handler_type = ctypes.CFUNCTYPE(None, c_int, ctypes.c_char_p, c_void_p)
        self._handler = handler_type(_log_message)  # kept: C holds a pointer to it
        set_log = fluidsynth.cfunc(
            "fluid_set_log_function", c_void_p, ("level", c_int, 1),
            ("fun", handler_type, 1), ("data", c_void_p, 1))
        for level in range(4):  # panic, error, warning, information
            set_log(level, self._handler, None)


_LOG_LEVELS = (logging.CRITICAL, logging.ERROR, logging.WARNING, logging.DEBUG)
_loaded: _Bindings | None = None
_loading = threading.Lock()


def _bindings() -> _Bindings:
    global _loaded
    with _loading:
        if _loaded is None:
            import fluidsynth

            _loaded = _Bindings(fluidsynth)
        return _loaded


def _log_message(level: int, message: bytes, _data) -> None:
    text = message.decode(errors="replace") if message else ""
    log.log(_LOG_LEVELS[level] if 0 <= level < len(_LOG_LEVELS) else logging.DEBUG,
            "FluidSynth: %s", text)
