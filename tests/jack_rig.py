"""A real audio interface for tests: a JACK server on the dummy backend, and a signal generator.

The server is a real multichannel device for PortAudio. Each server gets its own
name, and clients find it through JACK_DEFAULT_SERVER, which `JackServer.env` sets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

SignalFunction = Callable[[np.ndarray], np.ndarray]
_PORTAUDIO_ENV = ("JACK_DEFAULT_SERVER", "JACK_NO_START_SERVER")


class JackServer:
    """`jackd --no-realtime -d dummy` under a unique name; stopped by `stop()` or `with`.

    REALTIME asks for realtime scheduling of the server's and its clients' audio threads, as a
    studio runs; where the system refuses it, jackd goes on without.
    """

    def __init__(self, samplerate: int = 48000, period: int = 128, inputs: int = 8,
                 outputs: int = 8, synchronous: bool = False, realtime: bool = False) -> None:
        if shutil.which("jackd") is None:
            raise RuntimeError("jackd is not installed; run .ci/setup")
        self.name = f"mt-test-{uuid.uuid4().hex[:8]}"
        self.samplerate = samplerate
        self.period = period
        self.inputs = inputs
        self.env = {**os.environ, "JACK_DEFAULT_SERVER": self.name, "JACK_NO_START_SERVER": "1"}
        self.process = subprocess.Popen(
            ["jackd", "-n", self.name, "--realtime" if realtime else "--no-realtime",
             *(["--sync"] if synchronous else []), "-d", "dummy", "-r", str(samplerate),
             "-p", str(period), "-C", str(inputs), "-P", str(outputs)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.env,
            preexec_fn=_die_with_parent,
        )
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 15.0) -> None:
        import jack

        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"jackd exited early: {self.process.stdout.read()}")
            try:
                client = jack.Client("mt-test-probe", servername=self.name, no_start_server=True)
            except jack.JackOpenError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"jackd {self.name} did not come up in {timeout} s") from None
                time.sleep(0.05)  # polling for the server to accept clients, bounded above
                continue
            client.close()
            return

    def client(self, name: str):
        """A JACK client on this server."""
        import jack

        return jack.Client(name, servername=self.name, no_start_server=True)

    def kill(self) -> None:
        """Take the server away at once, as a yanked USB cable would."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server and wait for it to go."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process.stdout:
            self.process.stdout.close()

    def __enter__(self) -> JackServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _die_with_parent() -> None:
    """Make the server end with the test process, even if that one crashes."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def forget_dead_servers() -> None:
    """Clear JACK's shared-memory registry when no server runs; call it before any JACK client.

    A server killed with SIGKILL (as the lost-device test does) keeps its slot in the registry
    in /dev/shm, and after a few of them jackd refuses to start: "Too many servers already
    active". With no jackd running, nothing in there is in use. A process that has already
    opened a JACK client keeps the old registry mapped, so this runs once, at session start.
    """
    import psutil

    for process in psutil.process_iter(["name", "status"]):
        if process.info["name"] == "jackd" and process.info["status"] != psutil.STATUS_ZOMBIE:
            return
    for leftover in Path("/dev/shm").glob("jack*"):
        try:
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
        except OSError:
            pass


def ramp(channel: int) -> SignalFunction:
    """A sawtooth that says which frame it is: value(n) is exact in float32 and in 24-bit PCM.

    Any lost, repeated or shifted frame breaks the ramp, so a recording can be checked
    sample-exactly against `ramp_values`.
    """
    offset = channel * 4099

    def signal(frames: np.ndarray) -> np.ndarray:
        return ramp_values(frames, offset)

    return signal


def ramp_values(frames: np.ndarray, offset: int) -> np.ndarray:
    """The ramp's samples at absolute FRAMES for a channel offset."""
    return (((frames + offset) % 65536).astype(np.float32) / 65536.0 - 0.5).astype(np.float32)


def ramp_start(first_sample: float, offset: int) -> int:
    """The absolute frame (mod 65536) at which a recording of a ramp began."""
    return (int(round((first_sample + 0.5) * 65536.0)) - offset) % 65536


def clicks(every: int, length: int = 480, level: float = 0.5) -> SignalFunction:
    """A click of LENGTH frames at every multiple of EVERY (where the generator's notes play)."""

    def signal(frames: np.ndarray) -> np.ndarray:
        return np.where(frames % every < length, level, 0.0).astype(np.float32)

    return signal


def ramp_origin(samples: np.ndarray, start: int, end: int, channel: int) -> int:
    """Assert SAMPLES[start:end] are an exact ramp; return the server frame of sample 0."""
    offset = channel * 4099
    piece = samples[start:end]
    n0 = ramp_start(float(piece[0]), offset)
    wrong = np.flatnonzero(piece != ramp_values(np.arange(n0, n0 + len(piece)), offset))
    assert not len(wrong), f"ramp broken at sample {start + wrong[0]}"
    return (n0 - start) % 65536


def prevailing_ramp_origin(samples: np.ndarray, start: int, end: int, channel: int,
                           share: float = 0.7) -> int:
    """The server frame of sample 0 that most of SAMPLES[start:end] agree on, asserting that
    at least SHARE of them do.

    Each sample of a ramp tells the server frame it was made at. On an asynchronous server
    without real-time scheduling, a cycle the generator misses spoils that cycle's samples
    but not those after it, and a cycle the recorder misses is filled up to a writer tick
    late: neither moves the origin the rest of the stretch agrees on.
    """
    offset = channel * 4099
    piece = samples[start:end].astype(np.float64)
    made_at = np.rint((piece + 0.5) * 65536.0).astype(np.int64) - offset
    origins = (made_at - np.arange(start, end)) % 65536
    counts = np.bincount(origins, minlength=65536)
    origin = int(np.argmax(counts))
    assert counts[origin] >= share * len(piece), (
        f"only {counts[origin]} of {len(piece)} samples from {start} agree on the ramp")
    return origin


def sine(frequency: float, samplerate: int, amplitude: float = 0.5) -> SignalFunction:
    """A sine at FREQUENCY, continuous across blocks."""

    def signal(frames: np.ndarray) -> np.ndarray:
        return (amplitude * np.sin(2 * np.pi * frequency * frames / samplerate)).astype(np.float32)

    return signal


class SignalGenerator:
    """A JACK client with one output per signal, each connected to recorder inputs on request.

    Signals are functions of the server's absolute frame time.
    """

    def __init__(self, server: JackServer, signals: list[SignalFunction],
                 note_every: int | None = None) -> None:
        """With NOTE_EVERY, a MIDI port `midi_out` also plays a note at every multiple of it."""
        self.server = server
        self.signals = signals
        self.note_every = note_every
        self.frames_generated = 0
        self.first_frame: int | None = None
        self.client = server.client(f"mt-test-gen-{uuid.uuid4().hex[:6]}")
        self.ports = [self.client.outports.register(f"out_{n + 1}") for n in range(len(signals))]
        self.midi = self.client.midi_outports.register("midi_out") if note_every else None
        self.client.set_process_callback(self._process)
        self.client.activate()

    def _process(self, frames: int) -> None:
        # JACK's own frame clock, not a count of our callbacks: if this client misses a cycle,
        # the signal stays where the server's time says it is.
        start = self.client.last_frame_time
        index = np.arange(start, start + frames, dtype=np.int64)
        for port, signal in zip(self.ports, self.signals, strict=True):
            port.get_array()[:] = signal(index)
        if self.midi is not None:
            self.midi.clear_buffer()
            for offset in np.flatnonzero(index % self.note_every == 0):
                self.midi.write_midi_event(int(offset), (0x90, 60, 100))
        self.frames_generated += frames
        if self.first_frame is None:
            self.first_frame = start

    def now(self) -> int:
        """The server's frame clock now."""
        return self.client.frame_time

    def connect_to(self, pattern: str, timeout: float = 20.0) -> list[str]:
        """Connect output n to the n-th input port matching PATTERN once the recorder has them."""
        deadline = time.monotonic() + timeout
        while True:
            targets = port_names(self.client, pattern, is_audio=True, is_input=True)
            if len(targets) >= len(self.ports):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {len(self.ports)} input ports matching {pattern!r}")
            time.sleep(0.02)  # polling for the recorder's ports to appear, bounded above
        targets.sort(key=_port_number)
        for port, target in zip(self.ports, targets, strict=False):
            self.client.connect(port, target)
        return targets[: len(self.ports)]

    def close(self) -> None:
        """Stop generating."""
        try:
            self.client.deactivate()
            self.client.close()
        except Exception:  # the server may already be gone in a lost-device test
            pass


class SignalsInAChildProcess:
    """Signals made by a SignalGenerator in a process of its own, one output for each of
    SIGNALS: "ramp:N" (`ramp(N)`), "clicks:EVERY" (`clicks(EVERY)`), "sine:HZ:AMPLITUDE"
    (`sine` at the server's rate) or "silence".

    An in-process generator's JACK callback needs this process's GIL, so a test that keeps the
    interpreter busy (as the plugin test does on purpose, and a collection does at any time)
    makes the generator late, and the server then reports an xrun to every client, the recorder
    included. A real interface has no GIL: out here the signal is as punctual as the server
    lets it be.
    """

    def __init__(self, server: JackServer, signals: list[str], timeout: float = 20.0) -> None:
        for spec in signals:
            _signal_from(spec, server.samplerate)  # a misspelt signal fails here, not later
        self.process = subprocess.Popen(
            [sys.executable, __file__, server.name, str(server.samplerate), *signals],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=server.env,
            preexec_fn=_die_with_parent,
        )
        self._expect("ready", timeout)
        # A client of this process that only reads the clock and lists ports: it has no process
        # callback, so it needs nothing of this process's GIL in the real-time cycle.
        self.client = server.client(f"mt-test-watch-{uuid.uuid4().hex[:6]}")

    def now(self) -> int:
        """The server's frame clock now."""
        return self.client.frame_time

    def _expect(self, word: str, timeout: float) -> str:
        reply: list[str] = []
        reader = threading.Thread(target=lambda: reply.append(self.process.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        line = reply[0].strip() if reply else ""
        if not line.startswith(word):
            self.close()
            raise RuntimeError(f"the signal generator process said {line!r}, not {word!r}")
        return line

    def connect_to(self, pattern: str, timeout: float = 20.0) -> list[str]:
        """As `SignalGenerator.connect_to`, done by the child."""
        self.process.stdin.write(f"{pattern}\n")
        self.process.stdin.flush()
        return self._expect("connected", timeout + 5).split()[1:]

    def close(self) -> None:
        """Stop generating and wait for the child to go."""
        if getattr(self, "client", None) is not None:
            self.client.close()
            self.client = None
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=10)


class RampsInAChildProcess(SignalsInAChildProcess):
    """Ramps on CHANNELS outputs (`ramp(0)`, `ramp(1)`...), made in a process of their own."""

    def __init__(self, server: JackServer, channels: int, timeout: float = 20.0) -> None:
        super().__init__(server, [f"ramp:{n}" for n in range(channels)], timeout)


def _signal_from(spec: str, samplerate: int) -> SignalFunction:
    kind, *arguments = spec.split(":")
    if kind == "ramp" and len(arguments) == 1:
        return ramp(int(arguments[0]))
    if kind == "clicks" and len(arguments) == 1:
        return clicks(int(arguments[0]))
    if kind == "sine" and len(arguments) == 2:
        return sine(float(arguments[0]), samplerate, float(arguments[1]))
    if kind == "silence" and not arguments:
        return lambda frames: np.zeros(len(frames), np.float32)
    raise ValueError(f"no signal {spec!r}: ramp:N, clicks:EVERY, sine:HZ:AMPLITUDE or silence")


def _serve_signals(server_name: str, samplerate: int, signals: list[str]) -> None:
    """The child's side of `SignalsInAChildProcess`: one connect request per line on stdin."""
    import jack

    class Named:
        def client(self, name: str):
            return jack.Client(name, servername=server_name, no_start_server=True)

    generator = SignalGenerator(Named(), [_signal_from(spec, samplerate) for spec in signals])
    print("ready", flush=True)
    for line in sys.stdin:
        print("connected", *generator.connect_to(line.strip()), flush=True)
    generator.close()


class Loopback:
    """A cable from an output of PortAudio's client to one of its inputs, as a person makes one
    to calibrate: every stream PortAudio opens meanwhile is wired so, until `close`.

    PortAudio numbers its JACK ports on from one stream to the next, and wires each to the
    system port of its channel; so output OUTPUT of the newest stream is its newest port
    wired to system:playback_OUTPUT, and likewise for the input.
    """

    def __init__(self, server: JackServer, output: int = 1, input: int = 1) -> None:
        self.client = server.client(f"mt-test-cable-{uuid.uuid4().hex[:6]}")
        self.client.activate()
        self._system = (f"system:playback_{output}", f"system:capture_{input}")
        self._stop = threading.Event()
        self.wired: list[tuple[str, str]] = []
        self._thread = threading.Thread(target=self._wire, daemon=True)
        self._thread.start()

    def _newest(self, pattern: str, system: str, **kind: bool) -> str | None:
        ports = sorted(port_names(self.client, pattern, is_audio=True, **kind),
                       key=_port_number, reverse=True)
        for name in ports:
            if system in (p.name for p in self.client.get_all_connections(name)):
                return name
        return None

    def _wire(self) -> None:
        import jack

        while not self._stop.wait(0.002):  # ports appear before their stream sounds
            try:
                pair = (self._newest("^PortAudio[^:]*:out_", self._system[0], is_output=True),
                        self._newest("^PortAudio[^:]*:in_", self._system[1], is_input=True))
                if None not in pair and pair not in self.wired:
                    self.client.connect(*pair)
                    self.wired.append(pair)
            except jack.JackError:  # a stream went away meanwhile: look again
                continue

    def close(self) -> None:
        """Take the cable away."""
        self._stop.set()
        self._thread.join()
        try:
            self.client.deactivate()
            self.client.close()
        except Exception:  # the server may already be gone
            pass


def _port_number(name: str) -> int:
    digits = "".join(ch for ch in name.rsplit("_", 1)[-1] if ch.isdigit())
    return int(digits or 0)


def port_names(client, pattern: str, **kinds: bool) -> list[str]:
    """The names of the ports matching PATTERN. JACK-Client looks each listed name up again,
    and a port that goes in between (a recorder just killed) fails that lookup: list again."""
    import jack

    while True:
        try:
            return [port.name for port in client.get_ports(pattern, **kinds)]
        except jack.JackError:
            continue


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll CONDITION until true; fail naming WHAT after TIMEOUT seconds."""
    event = threading.Event()
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        event.wait(0.02)


@contextmanager
def seen_by_portaudio(server: JackServer) -> Iterator[JackServer]:
    """Make PortAudio in this process see SERVER as its device "system", and let go after.

    Close every stream before leaving: PortAudio restarts on the way out, while the server is
    still there.
    """
    from mt_studio.core.capture import devices

    saved = {name: os.environ.get(name) for name in _PORTAUDIO_ENV}
    os.environ.update(JACK_DEFAULT_SERVER=server.name, JACK_NO_START_SERVER="1")
    devices.refresh()
    try:
        yield server
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        devices.refresh()


if __name__ == "__main__":
    _serve_signals(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
