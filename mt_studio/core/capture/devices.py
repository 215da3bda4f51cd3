"""Audio input devices through PortAudio (sounddevice), found by name, with plain-language errors.

sounddevice is imported only inside functions: the app must start, and its other commands work,
on a machine without the PortAudio library.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType

from mt_studio.core.errors import DeviceError, InputError
from mt_studio.i18n import _, ngettext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AudioInputDevice:
    """A PortAudio device with at least one input channel."""

    index: int
    name: str
    hostapi: str
    inputs: int
    default_samplerate: float

    def describe(self) -> str:
        """The device as people read it in a list: name, host API and input count."""
        inputs = ngettext("{n} input", "{n} inputs", self.inputs).format(n=self.inputs)
        return f"'{self.name}' ({self.hostapi}, {inputs})"


@contextmanager
def native_messages_to_log() -> Iterator[None]:
    """Send what C libraries (libjack, ALSA) print on stderr meanwhile to the log instead.

    PortAudio and rtmidi probe every backend when they start, and libjack and ALSA print their
    failures straight to file descriptor 2; people should see one clear message, not that.
    The redirection is process-wide, so keep the block short.
    """
    sys.stderr.flush()
    try:
        sink = tempfile.TemporaryFile()
    except OSError:  # no temporary folder: let the messages through rather than fail
        sink = None
    if sink is None:
        yield
        return
    with sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            said = sink.read().decode(errors="replace").strip()
            if said:
                log.debug("audio and MIDI libraries said:\n%s", said)


def no_input_device_message() -> str:
    """What to say when PortAudio works but lists no device with inputs."""
    return _("No audio input device was found. Is the audio interface plugged in and its "
             "audio server (JACK, PipeWire) running?")


def load_sounddevice() -> ModuleType:
    """The sounddevice module, with PortAudio started; DeviceError if PortAudio is missing."""
    if "sounddevice" in sys.modules:
        return sys.modules["sounddevice"]
    with native_messages_to_log():
        try:
            import sounddevice
        except OSError as error:  # sounddevice raises OSError when it cannot find libportaudio
            log.info("sounddevice could not load PortAudio: %s", error)
            raise DeviceError(_(
                "The PortAudio library was not found, so audio devices cannot be used "
                "(install libportaudio2, e.g. 'sudo apt install libportaudio2')."
            )) from None
        except ImportError as error:
            raise DeviceError(_(
                "The sounddevice package is missing ({error}); reinstall mt-studio."
            ).format(error=error)) from None
        except Exception as error:  # sounddevice.PortAudioError from Pa_Initialize
            raise DeviceError(_("PortAudio could not start: {error}").format(
                error=error)) from None
    return sounddevice


# PortAudio is not safe to use from two threads at once where it matters: listing devices,
# opening and closing streams (the JACK host API aborts the process), restarting. Everyone who
# does those holds this lock; restarting with a stream open would abort the process too, so
# open streams are counted and a restart waits for none to be open.
portaudio_lock = threading.RLock()
_open_streams = 0
# Closes run outside the lock (see close_stream); whoever opens a stream or restarts PortAudio
# waits for the closes under way first, as PortAudio would race with them.
_closes_done = threading.Condition()
_closing: set[threading.Thread] = set()


@contextmanager
def stream_opening() -> Iterator[None]:
    """Hold while opening a stream; counts it as open unless opening raises."""
    global _open_streams
    _wait_for_closes()
    with portaudio_lock:
        yield
        _open_streams += 1


def stream_closed() -> None:
    """Say that a stream counted by `stream_opening` is closed."""
    global _open_streams
    with portaudio_lock:
        _open_streams = max(0, _open_streams - 1)


CLOSE_TIMEOUT_SECONDS = 2.0


def close_stream(stream, what: str, after: Callable[[], object] | None = None,
                 lost: bool = False) -> bool:
    """Abort and close STREAM (opened under `stream_opening`), count it closed and call AFTER;
    False if it would not close within CLOSE_TIMEOUT_SECONDS and was left behind.

    A stream whose device is there closes under `portaudio_lock`: PortAudio's JACK host keeps
    one client for all streams, and a close racing an open hangs them both. A stream whose
    device was LOST closes outside it, in a thread given up after a while: PortAudio can hang
    for good there, and must not take every other device scan and stream with it. A close
    that fails is logged as WHAT, no more.
    """

    def close() -> None:
        try:
            if lost:
                stream.abort()
                stream.close()
            else:
                with portaudio_lock:
                    stream.abort()
                    stream.close()
        except Exception as error:  # a vanished device may fail to close
            log.info("closing %s failed: %s", what, error)
        finally:
            stream_closed()
            if after is not None:
                after()
            _close_ended(threading.current_thread())

    closer = threading.Thread(target=close, name="mt-studio-close-stream", daemon=True)
    with _closes_done:
        _closing.add(closer)
    closer.start()
    closer.join(CLOSE_TIMEOUT_SECONDS)
    if not closer.is_alive():
        return True
    _close_ended(closer)  # given up: nobody waits for it any longer
    log.warning("%s did not close; left behind", what)
    # sounddevice terminates PortAudio at exit, which would hang on the same stream.
    sd = load_sounddevice()
    atexit.unregister(getattr(sd, "_exit_handler", lambda: None))
    return False


def _close_ended(closer: threading.Thread) -> None:
    with _closes_done:
        _closing.discard(closer)
        _closes_done.notify_all()


def _wait_for_closes() -> None:
    """Wait for the closes under way (each gives up by itself after CLOSE_TIMEOUT_SECONDS)."""
    with _closes_done:
        _closes_done.wait_for(lambda: not _closing, CLOSE_TIMEOUT_SECONDS + 1)


def refresh() -> None:
    """Restart PortAudio so that devices plugged in and audio servers started since appear.

    While a stream is open (a take recording or playing) it does nothing: restarting PortAudio
    would close every stream.
    """
    sd = load_sounddevice()
    _wait_for_closes()
    with portaudio_lock, native_messages_to_log():
        if _open_streams:
            log.info("not restarting PortAudio: %d stream(s) open", _open_streams)
            return
        try:
            sd._terminate()
            sd._initialize()
        except sd.PortAudioError as error:
            raise DeviceError(_("PortAudio could not restart: {error}").format(
                error=error)) from None


def audio_input_devices() -> list[AudioInputDevice]:
    """Every PortAudio device with at least one input, in PortAudio's order."""
    sd = load_sounddevice()
    try:
        with portaudio_lock:
            hostapis = [api["name"] for api in sd.query_hostapis()]
            found = sd.query_devices()
    except sd.PortAudioError as error:
        raise DeviceError(_("Audio devices cannot be listed: {error}").format(
            error=error)) from None
    return [
        AudioInputDevice(
            index=int(device["index"]),
            name=str(device["name"]),
            hostapi=hostapis[device["hostapi"]],
            inputs=int(device["max_input_channels"]),
            default_samplerate=float(device["default_samplerate"]),
        )
        for device in found
        if device["max_input_channels"] > 0
    ]


def match_device(name: str, devices: Sequence[AudioInputDevice]) -> AudioInputDevice:
    """The one device in DEVICES that NAME means: an exact name, else a part of one (any case)."""
    wanted = name.strip().casefold()
    if not wanted:
        raise InputError(_("Give the audio input device's name, or a part of it."))
    if not devices:
        raise DeviceError(no_input_device_message())
    candidates = [d for d in devices if d.name.casefold() == wanted]
    if not candidates:
        candidates = [d for d in devices if wanted in d.name.casefold()]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise DeviceError(_(
            "'{name}' matches several audio input devices: {candidates}. "
            "Give more of the name."
        ).format(name=name, candidates=", ".join(d.describe() for d in candidates)))
    raise DeviceError(_(
        "No audio input device matches '{name}'. Available: {available}."
    ).format(name=name, available=", ".join(d.describe() for d in devices)))


def find_audio_input(name: str) -> AudioInputDevice:
    """The audio input device that NAME means (see `match_device`); DeviceError otherwise."""
    return match_device(name, audio_input_devices())


@dataclass(frozen=True)
class DeviceSurvey:
    """What `survey` found: audio inputs and MIDI input ports, and why either half is missing."""

    audio: list[AudioInputDevice]
    midi: list[str]
    audio_problem: str | None = None
    midi_problem: str | None = None


def survey(midi_backend: str | None = None) -> DeviceSurvey:
    """List audio inputs and MIDI input ports; a half that cannot load is a problem, not an error.

    MIDI_BACKEND is a mido backend name; None takes mido's default, which honours $MIDO_BACKEND.
    """
    from mt_studio.core.capture.midi_capture import midi_input_ports

    audio: list[AudioInputDevice] = []
    midi: list[str] = []
    audio_problem = midi_problem = None
    try:
        audio = audio_input_devices()
    except DeviceError as error:
        audio_problem = str(error)
    try:
        with native_messages_to_log():
            midi = midi_input_ports(midi_backend)
    except DeviceError as error:
        midi_problem = str(error)
    return DeviceSurvey(audio, midi, audio_problem, midi_problem)
