"""Capture benchmark: mt_studio against jack_capture on the same JACK ports, in the same run.

    .venv/bin/python benchmarks/capture.py [--seconds 60] [--inputs 32] [--rate 96000]
                                           [--period 128] [--rounds 3] [--window] [--sealed]

Starts its own `jackd --no-realtime -d dummy` server, records its capture ports for the given
time with `mt-studio record`, with `jack_capture`, with a bare PortAudio stream that writes nothing
(the floor: what this machine's scheduling costs any PortAudio client), with `mt-studio record`
whose parts' SHA-256 is turned off (benchmarks/record_unhashed.py: the cost of hashing), with
--window also from the studio window with its meters and a waveform showing (issue 4;
benchmarks/window_recording.py, under xvfb-run), and with --sealed also with every file sealed
under a take key (issue 19; benchmarks/record_sealed.py), in alternating order for rounds,
and prints for each run: frames written against expected, frames lost, xruns the server
blamed on the recorder, CPU seconds per recorded minute, peak RSS and the CPU ratio to
jack_capture in the same round; then the medians.

Frames lost are what each recorder knows it lost. mt_studio counts the JACK cycles it missed
(on the server's frame counter); jack_capture counts only overruns of its own ring, and a cycle
the server skipped for it goes unnoticed: its xruns column is the comparable figure (an xrun
the server blames on a client is, on this server, most often a cycle that client missed).
Target (issue 3): zero dropped frames, no xrun blamed on mt_studio, and at most 1.5x
jack_capture's CPU; sealed (issue 19): no more lost frames or xruns than plain in the same run,
and at most 1.5x jack_capture's CPU. Every mt_studio runs this checkout's code. On a shared
virtual machine without realtime scheduling the xrun counts swing widely from run to run,
which is why the rounds and the floor are there.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

MT_STUDIO = str(Path(sys.executable).with_name("mt-studio"))
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    """What one recorder did."""

    name: str
    frames: int
    expected: int
    dropouts: int
    xruns: int
    cpu_seconds: float
    peak_rss_mb: float
    seconds: float


class Server:
    """A jackd on the dummy backend whose log is collected, to count xruns per client."""

    def __init__(self, inputs: int, rate: int, period: int, realtime: bool = False) -> None:
        self.name = f"mt-bench-{uuid.uuid4().hex[:6]}"
        self.env = {**os.environ, "JACK_DEFAULT_SERVER": self.name, "JACK_NO_START_SERVER": "1"}
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            ["jackd", "-n", self.name, "--realtime" if realtime else "--no-realtime",
             "-d", "dummy", "-r", str(rate),
             "-p", str(period), "-C", str(inputs), "-P", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
            env=self.env)
        threading.Thread(target=self._collect, daemon=True).start()
        deadline = time.monotonic() + 15
        while not any("dummy" in line.lower() or "jack" in line.lower() for line in self.lines):
            if time.monotonic() > deadline:
                raise RuntimeError("jackd did not start")
            time.sleep(0.1)
        time.sleep(1.0)  # let the dummy driver settle before measuring

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def xruns_of(self, client: str, since: int) -> int:
        pattern = re.compile(rf"client = {re.escape(client)}\S* was not finished")
        return sum(1 for line in self.lines[since:] if pattern.search(line))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def measured(command: list[str], env: dict) -> tuple[int, float, float, float, str]:
    """Run COMMAND; return its exit status, CPU seconds, peak RSS in MB, wall seconds, stdout."""
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    cpu = usage.ru_utime + usage.ru_stime
    return child.returncode, cpu, usage.ru_maxrss / 1024, time.monotonic() - started, text


UNHASHED = [sys.executable, str(Path(__file__).with_name("record_unhashed.py"))]
SEALED = [sys.executable, str(Path(__file__).with_name("record_sealed.py"))]


def run_mt_studio(server: Server, args: argparse.Namespace, folder: Path,
                  command: tuple[str, ...] = (MT_STUDIO,), name: str = "mt_studio",
                  key: bytes | None = None) -> Run:
    env = {**server.env, "MT_STUDIO_LIBRARY": str(folder / "library"),
           "MT_STUDIO_LOG_DIR": str(folder / "logs"), "MT_STUDIO_PRESETS": str(folder / "p"),
           "PYTHONPATH": str(REPO)}  # this checkout's, whichever the virtualenv was made from
    if key is not None:
        env["MT_BENCH_TAKE_KEY"] = key.hex()
    for setup in (["participant", "add", "Bench"], ["consent", "grant", "Bench", "record"],
                  ["session", "new", "Benchmark", "--kind", "band", "--participants", "Bench"]):
        subprocess.run([MT_STUDIO, *setup], env=env, check=True, capture_output=True)
    since = len(server.lines)
    code, cpu, rss, wall, out = measured(
        [*command, "record", "1", "--device", "system", "--inputs", f"1-{args.inputs}",
         "--samplerate", str(args.rate), "--duration", str(args.seconds), "--json"], env)
    if code != 0:
        raise RuntimeError(f"mt-studio record failed ({code})")
    result = json.loads(out)
    frames = min(sealed_frames(folder / "library", f, key) if key is not None
                 else sf.info(f).frames for f in result["files"])
    lost = sum(d["length"] for d in result["dropouts"])
    return Run(name, frames, args.seconds * args.rate, lost,
               server.xruns_of("PortAudio", since), cpu, rss, wall)


def sealed_frames(library: Path, file: str, key: bytes) -> int:
    """The frames of the sealed 24-bit part FILE of LIBRARY, each chunk opened."""
    from mt_studio.core.sealing.stream import SealedReader

    name = Path(file).relative_to(library).as_posix()
    with SealedReader(file, key, name) as reader:
        for offset in range(0, reader.size, 1 << 20):  # every chunk authenticates
            reader.read_at(offset, 1 << 20)
        return reader.size // 3


def run_sealed(server: Server, args: argparse.Namespace, folder: Path) -> Run:
    """mt_studio with every file sealed under a take key: the cost of sealing."""
    return run_mt_studio(server, args, folder, SEALED, "mt_studio, sealed", os.urandom(32))


def run_unhashed(server: Server, args: argparse.Namespace, folder: Path) -> Run:
    """mt_studio with its parts' SHA-256 turned off: the cost of hashing is the difference."""
    return run_mt_studio(server, args, folder, UNHASHED, "mt_studio, hashing off")


def run_jack_capture(server: Server, args: argparse.Namespace, folder: Path) -> Run:
    target = folder / "jack_capture.wav"
    ports = [arg for n in range(1, args.inputs + 1) for arg in ("--port", f"system:capture_{n}")]
    since = len(server.lines)
    _code, cpu, rss, wall, out = measured(
        ["jack_capture", "-d", str(args.seconds), "--no-stdin", "-f", "wav", "-b", "24",
         *ports, str(target)], server.env)
    frames = sf.info(target).frames
    overruns = re.findall(r"Overruns: (\d+)", out)
    return Run("jack_capture", frames, args.seconds * args.rate,
               int(overruns[-1]) if overruns else 0, server.xruns_of("jack_capture", since),
               cpu, rss, wall)


# A PortAudio input stream into rtmixer's ring, drained and thrown away: no Python writer.
FLOOR_SCRIPT = """
import sys, time, rtmixer
seconds, inputs, rate = map(int, sys.argv[1:])
ring = rtmixer.RingBuffer(4 * inputs, 1 << 18)
recorder = rtmixer.Recorder(device="system", channels=inputs, samplerate=rate, latency="low")
recorder.start()
recorder.record_ringbuffer(ring, channels=list(range(1, inputs + 1)), allow_belated=True)
taken, end = 0, time.monotonic() + seconds
while time.monotonic() < end:
    time.sleep(0.03)
    available = ring.read_available
    ring.advance_read_index(available)
    taken += available
print(taken, flush=True)
recorder.abort()
"""


def run_floor(server: Server, args: argparse.Namespace, folder: Path) -> Run:
    since = len(server.lines)
    _code, cpu, rss, wall, out = measured(
        [sys.executable, "-c", FLOOR_SCRIPT, str(args.seconds), str(args.inputs),
         str(args.rate)], server.env)
    taken = int(out.split()[0]) if out.split() else 0
    return Run("PortAudio alone (floor)", taken, args.seconds * args.rate, 0,
               server.xruns_of("PortAudio", since), cpu, rss, wall)


WINDOW_DRIVER = str(Path(__file__).with_name("window_recording.py"))


def run_window(server: Server, args: argparse.Namespace, folder: Path) -> Run:
    """A take recorded from the studio window with its meters and a waveform showing."""
    env = {**server.env, "MT_STUDIO_LOG_DIR": str(folder / "logs"),
           "MT_STUDIO_PRESETS": str(folder / "p"), "MT_STUDIO_CONFIG_DIR": str(folder / "config")}
    screen = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24"] if shutil.which("xvfb-run") \
        else []
    if not screen:
        env["QT_QPA_PLATFORM"] = "offscreen"
    since = len(server.lines)
    code, cpu, rss, wall, out = measured(
        [*screen, sys.executable, WINDOW_DRIVER, str(folder / "library"), str(args.seconds),
         str(args.inputs)], env)
    if code != 0:
        raise RuntimeError(f"the window's recording failed ({code})")
    result = json.loads(out.splitlines()[-1])
    if result["armed"] != args.inputs:
        raise RuntimeError(f"the window armed {result['armed']} inputs, not {args.inputs}")
    name = f"mt_studio window ({result['meter_frames_per_second']:.0f} meter frames/s)"
    return Run(name, result["frames"], args.seconds * args.rate,
               sum(d["length"] for d in result["dropouts"]), server.xruns_of("PortAudio", since),
               cpu, rss, wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--inputs", type=int, default=32)
    parser.add_argument("--rate", type=int, default=96000)
    parser.add_argument("--period", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--realtime", action="store_true",
                        help="run the server with realtime scheduling, as a studio would")
    parser.add_argument("--window", action="store_true",
                        help="also record from the studio window (issue 4)")
    parser.add_argument("--sealed", action="store_true",
                        help="also record with every file sealed under a take key (issue 19)")
    args = parser.parse_args()
    recorders = [run_mt_studio, run_jack_capture, run_floor, run_unhashed] + (
        [run_sealed] if args.sealed else []) + ([run_window] if args.window else [])
    rounds: list[list[Run]] = []
    server = Server(args.inputs, args.rate, args.period, args.realtime)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for number in range(args.rounds):
                turn = number % len(recorders)
                order = recorders[turn:] + recorders[:turn]
                runs = {}
                for recorder in order:
                    folder = Path(scratch) / f"round-{number}"
                    folder.mkdir()
                    runs[recorder] = recorder(server, args, folder)
                    shutil.rmtree(folder)  # keep earlier rounds' gigabytes out of the way
                rounds.append([runs[recorder] for recorder in recorders])
    finally:
        server.stop()
    print(f"\n{args.inputs} inputs, {args.rate} Hz, {args.period}-frame period, "
          f"{args.seconds} s, JACK dummy backend, "
          f"{'realtime' if args.realtime else 'no realtime'}, {args.rounds} rounds\n")
    hashed = [r[0].cpu_seconds - r[3].cpu_seconds for r in rounds]
    print(f"Hashing costs {statistics.median(hashed) * 60 / args.seconds:+.2f} CPU s per "
          f"recorded minute (median of mt_studio minus mt_studio with hashing off in each "
          f"round; from {min(hashed) * 60 / args.seconds:+.2f} to "
          f"{max(hashed) * 60 / args.seconds:+.2f}).\n")
    if args.sealed:
        sealing = [r[4].cpu_seconds - r[0].cpu_seconds for r in rounds]
        print(f"Sealing costs {statistics.median(sealing) * 60 / args.seconds:+.2f} CPU s per "
              f"recorded minute (median of mt_studio sealed minus mt_studio in each round; "
              f"from {min(sealing) * 60 / args.seconds:+.2f} to "
              f"{max(sealing) * 60 / args.seconds:+.2f}).\n")
    print("| round | recorder | frames written / expected | frames lost | xruns blamed on it "
          "| CPU s per recorded minute | peak RSS MB | CPU ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for number, runs in enumerate(rounds, 1):
        reference = runs[1].cpu_seconds
        for run in runs:
            per_minute = run.cpu_seconds * 60 / args.seconds
            print(f"| {number} | {run.name} | {run.frames} / {run.expected} | {run.dropouts} | "
                  f"{run.xruns} | {per_minute:.2f} | {run.peak_rss_mb:.0f} | "
                  f"{run.cpu_seconds / reference:.2f} |")
    for column, run in enumerate(rounds[0]):
        of = [r[column] for r in rounds]
        ratio = statistics.median(r[column].cpu_seconds / r[1].cpu_seconds for r in rounds)
        print(f"| median | {run.name} | | {statistics.median(r.dropouts for r in of):.0f} | "
              f"{statistics.median(r.xruns for r in of):.0f} | "
              f"{statistics.median(r.cpu_seconds for r in of) * 60 / args.seconds:.2f} | "
              f"{statistics.median(r.peak_rss_mb for r in of):.0f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
