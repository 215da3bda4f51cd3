"""MIDI input ports recorded beside the audio: a crash-safe event log, then a Standard MIDI File.

The MIDI callback only stamps each channel message with the audio take's frame clock and queues
it; the audio writer thread calls `MidiRecorder.flush()` about once a second, which appends the
queue to an append-only text log and fsyncs it. `midi_log_to_smf` turns a log into a type-0 .mid,
after a clean stop or, in recovery, up to the frame the audio kept. Neither file holds the port's
name or any text: only channel messages, timed.

Log format: the line `mt-studio-midi-log 1`, then one line per event, `FRAME HEXBYTES`
(e.g. `48000 903c64`). Text after the last newline is a line torn by a crash and is ignored.
A sealed take's log is a sealed log (sealing/stream.py) of the same text, the header line one
record and each flush one more, and its .mid is sealed whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

import mido

from mt_studio.core.capture.file_seal import FileSeal
from mt_studio.core.durable_files import replaced_atomically, sync_folder
from mt_studio.core.errors import DeviceError, InputError
from mt_studio.core.sealing.stream import SealedLog, read_sealed_log, seal_file
from mt_studio.i18n import _

LOG_HEADER = "mt-studio-midi-log 1"
TICKS_PER_BEAT = 960
TEMPO = 500_000  # µs per beat, MIDI's default, so the file needs no set_tempo event
TICKS_PER_SECOND = TICKS_PER_BEAT * 1_000_000 // TEMPO  # 1920
CHANNEL_TYPES = frozenset({
    "note_off", "note_on", "polytouch", "control_change", "program_change", "aftertouch",
    "pitchwheel",
})

_LOG_MAGIC = LOG_HEADER.split()[0].encode()
_EVENT_LINE = re.compile(rb"(\d+) ([0-9A-Fa-f]{2,6})")


class LoggedEvent(NamedTuple):
    """One channel message from a MIDI log, at a frame of the audio take."""

    frame: int
    message: mido.Message


def _load_backend(backend_name: str | None) -> mido.Backend:
    backend = mido.Backend(backend_name or None)  # None: $MIDO_BACKEND, else mido's rtmidi
    try:
        backend.load()
    except Exception as error:  # ImportError, or OSError from a missing C library
        raise _backend_error(backend_name, error) from None
    return backend


def _backend_error(backend_name: str | None, error: Exception) -> DeviceError:
    label = backend_name or os.environ.get("MIDO_BACKEND") or "mido.backends.rtmidi"
    return DeviceError(_(
        "The MIDI backend '{backend}' cannot be used: {error}. Choose another with MIDO_BACKEND, "
        "for example mido.backends.rtmidi/UNIX_JACK."
    ).format(backend=label, error=error))


def midi_input_ports(backend_name: str | None = None) -> list[str]:
    """Names of the MIDI input ports of the mido backend BACKEND_NAME (None: $MIDO_BACKEND)."""
    backend = _load_backend(backend_name)
    try:
        return list(backend.get_input_names())
    except Exception as error:  # rtmidi raises its own errors, e.g. when no ALSA or JACK runs
        raise _backend_error(backend_name, error) from None


def find_midi_input(name: str, *, backend_name: str | None = None) -> str:
    """The one MIDI input port whose name contains NAME (any case); an exact name wins a tie."""
    wanted = name.casefold()
    if not wanted.strip():
        raise InputError(_("Give the MIDI input port's name, or a part of it."))
    ports = midi_input_ports(backend_name)
    candidates = [port for port in ports if wanted in port.casefold()]
    if len(candidates) > 1:
        exact = [port for port in candidates if port.casefold() == wanted]
        if len(exact) > 1:
            exact = [port for port in exact if port == name]
        if len(exact) == 1:
            return exact[0]
        raise DeviceError(_(
            "'{name}' matches several MIDI input ports: {candidates}. Give more of the name."
        ).format(name=name, candidates=_quoted(candidates)))
    if candidates:
        return candidates[0]
    if not ports:
        raise DeviceError(_(
            "No MIDI input port matches '{name}': there are no MIDI input ports. "
            "Is the keyboard plugged in and its MIDI server running?"
        ).format(name=name))
    raise DeviceError(_("No MIDI input port matches '{name}'. Available: {available}.").format(
        name=name, available=_quoted(ports)))


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def open_midi_input(port_name: str, callback: Callable[[mido.Message], object], *,
                    backend_name: str | None = None) -> mido.ports.BaseInput:
    """Open the MIDI input PORT_NAME, CALLBACK getting each message in the backend's thread;
    DeviceError if it cannot be opened."""
    backend = _load_backend(backend_name)
    try:
        return backend.open_input(port_name, callback=callback)
    except Exception as error:
        raise DeviceError(_("The MIDI input port '{port}' cannot be opened: {error}").format(
            port=port_name, error=error)) from None


class MidiRecorder:
    """Records one MIDI input port into a crash-safe log, each message stamped with `clock()`.

    CLOCK returns the audio take's current frame; it is called in the MIDI backend's thread.
    Only channel messages are kept (no clock, active sensing, transport, sysex or other system
    messages). Use `start()`/`stop()` or `with`; call `flush()` about once a second meanwhile.
    With SEAL, the log is sealed.
    """

    def __init__(self, port_name: str, log_path: Path, clock: Callable[[], int], *,
                 backend_name: str | None = None, seal: FileSeal | None = None) -> None:
        self.port_name = port_name
        self.log_path = Path(log_path)
        self._clock = clock
        self._backend_name = backend_name
        self._seal = seal
        self._sealed: SealedLog | None = None
        self._held_by_log = 0  # messages a sealed log holds from a failed write, to write again
        # deque.append and popleft are atomic, so the callback never waits on a lock
        self._pending: deque[tuple[int, mido.Message]] = deque()
        self._unwritten: list[tuple[int, mido.Message]] = []
        self._flush_lock = threading.Lock()
        self._port: mido.ports.BaseInput | None = None
        self._fd: int | None = None
        self._durable_size = 0
        self._events = 0

    @property
    def events(self) -> int:
        """How many messages have been recorded so far (written or still pending)."""
        return self._events

    def start(self) -> None:
        """Create the log (never overwriting one) and open the port; DeviceError if it cannot."""
        if self._fd is not None or self._sealed is not None:
            raise RuntimeError("MidiRecorder.start() called twice")
        if self._seal is not None:
            self._start_sealed()
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.log_path, flags, 0o600)
        try:
            header = (LOG_HEADER + "\n").encode()
            _write_all(fd, header)
            os.fsync(fd)
            sync_folder(self.log_path.parent)
            self._durable_size = len(header)
            self._fd = fd
            self._port = self._open_port()
        except BaseException:
            self._fd = None
            os.close(fd)
            self.log_path.unlink(missing_ok=True)
            raise

    def _start_sealed(self) -> None:
        seal = self._seal
        self._sealed = SealedLog(self.log_path, seal.key, seal.name, seal.take_id)
        try:
            self._sealed.append((LOG_HEADER + "\n").encode())
            sync_folder(self.log_path.parent)
            self._port = self._open_port()
        except BaseException:
            self._sealed.close()
            self._sealed = None
            self.log_path.unlink(missing_ok=True)
            raise

    def _open_port(self) -> mido.ports.BaseInput:
        return open_midi_input(self.port_name, self._receive, backend_name=self._backend_name)

    def _receive(self, message: mido.Message) -> None:
        # The backend's thread (JACK's process thread with UNIX_JACK): no I/O, no locks here.
        if message.type in CHANNEL_TYPES:
            self._pending.append((max(0, self._clock()), message))
            self._events += 1

    def flush(self) -> int:
        """Append the messages received since the last flush to the log, fsync, return how many.

        Safe from any thread. If writing fails (a full disk), the log is cut back to its last
        whole line (a sealed log keeps the record to write again itself), the messages stay
        queued and the OSError is raised; the next flush writes them.
        """
        with self._flush_lock:
            if self._fd is None and self._sealed is None:
                return 0
            batch = self._unwritten
            while self._pending:  # only this method pops, so the deque cannot empty meanwhile
                batch.append(self._pending.popleft())
            if not batch and not self._held_by_log:
                return 0
            data = "".join(f"{frame} {bytes(message.bytes()).hex()}\n"
                           for frame, message in batch).encode()
            if self._sealed is not None:
                # A record that could not be written stays in the log, sealed, and goes with
                # the next append (an empty one if nothing came meanwhile).
                self._held_by_log += len(batch)
                self._unwritten = []
                self._sealed.append(data)
                appended, self._held_by_log = self._held_by_log, 0
                return appended
            try:
                _write_all(self._fd, data)
                os.fsync(self._fd)
            except OSError:
                # A half-written line would sit in the middle of the log once writing resumes.
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, self._durable_size)
                self._unwritten = batch
                raise
            self._durable_size += len(data)
            self._unwritten = []
            return len(batch)

    def stop(self) -> None:
        """Close the port, then flush and close the log; safe to call more than once."""
        port, self._port = self._port, None
        try:
            if port is not None:
                port.close()
        finally:
            try:
                self.flush()
            finally:
                with self._flush_lock:
                    if self._fd is not None:
                        os.close(self._fd)
                        self._fd = None
                    if self._sealed is not None:
                        self._sealed.close()
                        self._sealed = None

    def __enter__(self) -> MidiRecorder:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def read_midi_log(log_path: Path, seal: FileSeal | None = None) -> list[LoggedEvent]:
    """The events of a MIDI log (sealed under SEAL, if given) in logged order; InputError
    naming file and line if malformed."""
    try:
        data = (b"".join(read_sealed_log(log_path, seal.key, seal.name)) if seal is not None
                else Path(log_path).read_bytes())
    except OSError as error:
        raise InputError(_("The MIDI log {file} cannot be read: {error}").format(
            file=log_path, error=error.strerror or error)) from None
    *lines, torn = data.split(b"\n")  # `torn`: what a crash left after the last whole line
    if not lines:
        if LOG_HEADER.encode().startswith(torn):  # the crash came while the log was created
            return []
        raise _log_error(log_path, 1, _("this is not an mt_studio MIDI log"))
    _check_header(log_path, lines[0])
    return [_parse_event(log_path, number, line)
            for number, line in enumerate(lines[1:], start=2)]


def _check_header(log_path: Path, line: bytes) -> None:
    if line == LOG_HEADER.encode():
        return
    magic, _space, version = line.partition(b" ")
    if magic == _LOG_MAGIC and version.isdigit():
        raise _log_error(log_path, 1, _(
            "it was written by a newer mt_studio (format {version}); update mt_studio"
        ).format(version=int(version)))
    raise _log_error(log_path, 1, _("this is not an mt_studio MIDI log"))


def _parse_event(log_path: Path, number: int, line: bytes) -> LoggedEvent:
    match = _EVENT_LINE.fullmatch(line)
    if match is None:
        raise _log_error(log_path, number, _(
            "expected a frame number and a MIDI message in hexadecimal"))
    try:
        message = mido.Message.from_bytes(bytes.fromhex(match[2].decode()))
    except ValueError:
        message = None
    if message is None or message.type not in CHANNEL_TYPES:
        raise _log_error(log_path, number, _("'{hex}' is not a MIDI channel message").format(
            hex=match[2].decode()))
    return LoggedEvent(int(match[1]), message)


def _log_error(log_path: Path, number: int, problem: str) -> InputError:
    return InputError(_("The MIDI log {file} is damaged at line {line}: {problem}.").format(
        file=log_path, line=number, problem=problem))


def frames_to_ticks(frame: int, samplerate: int) -> int:
    """FRAME as a tick of the .mid files written here, rounded to the nearest (halves up)."""
    return (2 * frame * TICKS_PER_SECOND + samplerate) // (2 * samplerate)


def midi_log_to_smf(log_path: Path, mid_path: Path, samplerate: int,
                    until_frame: int | None = None) -> int:
    """Write the log as a type-0 Standard MIDI File, atomically; return the events written
    (`smf_from_log`)."""
    return smf_from_log(log_path, mid_path, samplerate, until_frame)[0]


def smf_from_log(log_path: Path, mid_path: Path, samplerate: int,
                 until_frame: int | None = None, *, log_seal: FileSeal | None = None,
                 mid_seal: FileSeal | None = None) -> tuple[int, str]:
    """Write the log (sealed under LOG_SEAL, if given) as a type-0 Standard MIDI File,
    atomically (sealed under MID_SEAL, if given); return the events written and the SHA-256
    of the file's bytes (before sealing), hashed as it is written.

    Events at or after UNTIL_FRAME are dropped. Notes still held at the end (UNTIL_FRAME, else
    the last event) are ended there; those added note_offs are not counted.
    """
    if samplerate <= 0:
        raise ValueError(f"samplerate must be positive, not {samplerate}")
    if until_frame is not None and until_frame < 0:
        raise ValueError(f"until_frame must not be negative, not {until_frame}")
    events = read_midi_log(log_path, log_seal)
    if until_frame is not None:
        events = [event for event in events if event.frame < until_frame]
    events.sort(key=lambda event: event.frame)  # stable: same-frame events keep arrival order
    end_frame = until_frame if until_frame is not None else (events[-1].frame if events else 0)

    digest = _save_atomically(events_to_smf(events, samplerate, end_frame), Path(mid_path),
                              mid_seal)
    return len(events), digest


def events_to_smf(events: Iterable[tuple[int, mido.Message]], samplerate: int,
                  end_frame: int) -> mido.MidiFile:
    """Time-ordered (frame, message) pairs as a type-0 Standard MIDI File ending at END_FRAME.

    Notes still sounding at the end are closed there; no meta events but the end of track.
    """
    track = mido.MidiTrack()
    held: dict[tuple[int, int], None] = {}  # an ordered set of sounding (channel, note)
    last_tick = 0
    for frame, message in events:
        tick = frames_to_ticks(frame, samplerate)
        track.append(message.copy(time=tick - last_tick))
        last_tick = tick
        if message.type in ("note_on", "note_off"):
            key = (message.channel, message.note)
            if message.type == "note_on" and message.velocity > 0:
                held[key] = None
            else:
                held.pop(key, None)
    end_tick = frames_to_ticks(end_frame, samplerate)
    for channel, note in held:
        track.append(mido.Message("note_off", channel=channel, note=note, velocity=0,
                                  time=end_tick - last_tick))
        last_tick = end_tick
    track.append(mido.MetaMessage("end_of_track", time=end_tick - last_tick))

    midi = mido.MidiFile(type=0, ticks_per_beat=TICKS_PER_BEAT)
    midi.tracks.append(track)
    return midi


def _save_atomically(midi: mido.MidiFile, path: Path, seal: FileSeal | None = None) -> str:
    """Save MIDI at PATH (sealed under SEAL, if given); the SHA-256 of the file's bytes."""
    buffer = io.BytesIO()
    midi.save(file=buffer)
    if seal is not None:
        seal_file(path, buffer.getvalue(), seal.key, seal.name, seal.take_id, {"kind": "midi"},
                  replace=True)
    else:
        with replaced_atomically(path) as file:
            file.write(buffer.getbuffer())
    return hashlib.sha256(buffer.getbuffer()).hexdigest()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
