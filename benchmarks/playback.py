"""Playback benchmark (issues 5, 19): what a 2-hour 8-track take costs while it plays, plain
and sealed.

    .venv/bin/python benchmarks/playback.py [--minutes 120] [--tracks 8] [--seconds 30]
                                            [--rounds 3] [--folder DIR]

Writes a take of TRACKS mono 24-bit WAVs of MINUTES each (a 2-hour 8-track take at 48 kHz is
8.3 GB) into a library, and a second take of the same audio sealed with a random take key, as
an encrypted library holds it (as much again; the free space is checked first). It starts its
own `jackd -d dummy` and plays each take in a child process for SECONDS: from the start, from
the middle, then a 10-second loop near the end with every track's mix changed on the way (the
sealed take's child installs the take key in the keyring, as signing in does). Each round
measures each process's peak RSS (the kernel's high-water mark) and CPU seconds, beside:

- `sndfile-jackplay` (Debian's sndfile-tools) playing one of the same files through JACK: a
  C player that streams from disk, the reference;
- a Python process that only opens the same PortAudio/rtmixer output and plays silence: the
  floor that the interpreter, numpy and PortAudio cost before any take is opened.

Printed: the median of ROUNDS and the spread (least to most), and the sealed take's figures
over the plain take's, the median of the rounds' ratios. Targets: the process under 400 MB RSS
while the 2-hour 8-track take plays (issue 5); the sealed take within 1.2x of the plain one
(issue 19).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.capture import Server  # noqa: E402 - run as a script from anywhere
from mt_studio.core.domain import SessionKind, TrackKind  # noqa: E402
from mt_studio.core.library import Library, sessions, takes  # noqa: E402
from mt_studio.core.studio.file_sealing import seal_file_in_place  # noqa: E402

RATE = 48000
WRITE_BLOCK = 1 << 20

PLAYER = """
import sys, time
from mt_studio.core.looping import LoopRegion
from mt_studio.core.mixing import TrackMix
from mt_studio.core.playback import TakePlayer
from mt_studio.core.sealing import keyring
from mt_studio.core.studio import Studio

folder, take_id, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
with Studio.open(folder) as studio:
    if len(sys.argv) > 4:  # the sealed take's key (random, of noise), as signing in installs it
        key = bytes.fromhex(sys.argv[4])
        keyring.install(studio.folder, lambda take: key)
    player = TakePlayer(studio.listening.sound(take_id), device="system")
    player.open()
    third = seconds / 3
    player.play(0)
    time.sleep(third)  # the benchmark's own pacing: what is measured is memory, not time
    player.play(player.frames // 2)
    time.sleep(third)
    end = player.frames
    player.set_loop(LoopRegion(end - 11 * 48000, end - 48000, 240))
    player.play(end - 11 * 48000)
    for index in range(len(player.track_ids)):
        player.set_mix(index, TrackMix(gain_db=-3.0, pan=(-1) ** index * 0.5))
    time.sleep(third)
    print(player.position, flush=True)
    print(player.problem, flush=True)
    player.close()
"""

FLOOR = """
import sys, time
import numpy as np
import rtmixer
from mt_studio.core.capture.devices import load_sounddevice

load_sounddevice()
seconds = float(sys.argv[1])
ring = rtmixer.RingBuffer(8, 1 << 14)
mixer = rtmixer.Mixer(device="system", channels=2, samplerate=48000, latency="high")
mixer.start()
silence = np.zeros((2048, 2), dtype=np.float32)
end = time.monotonic() + seconds
action = None
while time.monotonic() < end:
    while ring.write_available >= 2048:
        ring.write(silence)
    if action is None:
        action = mixer.play_ringbuffer(ring)
    time.sleep(0.02)
mixer.abort()
"""


def write_take(folder: Path, minutes: float, tracks: int, key: bytes
               ) -> tuple[Path, int, int, list[Path]]:
    """A library with one session and two takes of TRACKS tracks of the same audio, the second
    sealed with KEY; its folder, the plain and the sealed take's ids, the plain take's files."""
    frames = int(minutes * 60 * RATE)
    library_folder = folder / "library"
    with Library.open(library_folder) as library, library.transaction() as db:
        session = sessions.create(db, "Benchmark", SessionKind.BAND, on=date.today())
        take_ids, files = [], []
        for _take in range(2):
            take_id = takes.start(db, session.id, RATE, sample_format="pcm24", device="system")
            files.append([takes.add_track(db, take_id, TrackKind.AUDIO, input=n + 1).file
                          for n in range(tracks)])
            takes.finish(db, take_id, frames)
            take_ids.append(take_id)
    noise = np.random.default_rng(1).uniform(-0.5, 0.5, WRITE_BLOCK).astype(np.float32)
    paths = []
    for number, (file, sealed_file) in enumerate(zip(*files, strict=True)):
        path = library_folder / file
        path.parent.mkdir(parents=True, exist_ok=True)
        with sf.SoundFile(path, "w", RATE, 1, "PCM_24") as out:
            for block, first in enumerate(range(0, frames, WRITE_BLOCK)):
                gain = 0.1 + 0.8 * abs(np.sin(block / 37.0 + number))
                out.write(gain * noise[:min(WRITE_BLOCK, frames - first)])
        paths.append(path)
        sealed = library_folder / sealed_file
        sealed.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, sealed)
        why = seal_file_in_place(sealed, key, Path(sealed_file).as_posix(), take_ids[1])
        if why is not None:
            sys.exit(f"{sealed} could not be sealed: {why}")
        print(f"  wrote {path.name}, and sealed as {sealed.name}", file=sys.stderr, flush=True)
    return library_folder, take_ids[0], take_ids[1], paths


def measured(command: list[str], env: dict, seconds: float | None = None
             ) -> tuple[float, float, str]:
    """Run COMMAND (stopped with SIGINT after SECONDS if given); peak RSS MB, CPU s, stdout."""
    with tempfile.TemporaryFile(mode="w+") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.DEVNULL)
        if seconds is not None:
            try:
                child.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                child.send_signal(signal.SIGINT)
        _pid, _status, usage = os.wait4(child.pid, 0)
        out.seek(0)
        return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out.read()


def spread(values: list[float], digits: int) -> str:
    """The median of VALUES and their range, as 'median (least-most)'."""
    return (f"{statistics.median(values):.{digits}f} "
            f"({min(values):.{digits}f}-{max(values):.{digits}f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=120)
    parser.add_argument("--tracks", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    needed = int(2 * args.minutes * 60 * RATE * 3 * args.tracks * 1.01)  # plain and sealed
    free = shutil.disk_usage(args.folder).free
    if free < needed:
        sys.exit(f"{args.folder} has {free / 1e9:.1f} GB free; {needed / 1e9:.1f} GB are "
                 f"needed (try --minutes {int(args.minutes * free / needed)})")
    if shutil.which("sndfile-jackplay") is None:
        sys.exit("sndfile-jackplay is missing: apt-get install sndfile-tools (.ci/setup does)")
    key = os.urandom(32)
    names = [f"mt_studio TakePlayer, {args.tracks} tracks mixed, looped: plain take",
             f"mt_studio TakePlayer, {args.tracks} tracks mixed, looped: sealed take",
             "sndfile-jackplay, one of the plain files (reference)",
             "Python + rtmixer playing silence (floor)"]
    rounds: list[list[tuple[float, float, str]]] = []
    with tempfile.TemporaryDirectory(dir=args.folder) as scratch:
        library, plain_take, sealed_take, paths = write_take(Path(scratch), args.minutes,
                                                             args.tracks, key)
        player = [sys.executable, "-c", PLAYER, str(library)]
        commands = [
            (player + [str(plain_take), str(args.seconds)], None),
            (player + [str(sealed_take), str(args.seconds), key.hex()], None),
            (["sndfile-jackplay", str(paths[0])], args.seconds),
            ([sys.executable, "-c", FLOOR, str(args.seconds)], None)]
        server = Server(2, RATE, 256)
        try:
            for number in range(args.rounds):
                # Plain and sealed one after the other, first one then the other by turns.
                order = [0, 1] if number % 2 == 0 else [1, 0]
                runs = {index: measured(commands[index][0], server.env, commands[index][1])
                        for index in [*order, 2, 3]}
                rounds.append([runs[index] for index in range(4)])
                print(f"  round {number + 1} of {args.rounds} done", file=sys.stderr, flush=True)
        finally:
            server.stop()
    print(f"\n{args.tracks} tracks x {args.minutes:g} min at {RATE} Hz (24-bit), "
          f"{args.seconds:g} s of playing; medians of {args.rounds} rounds (least-most)\n")
    for name, column in (("plain", 0), ("sealed", 1)):
        ends = [run[column][2].splitlines() + ["?", "?"] for run in rounds]
        print(f"The {name} take's player ended at frames "
              f"{', '.join(end[0] for end in ends)} (problems: "
              f"{', '.join(sorted({end[1] for end in ends}))})")
    print("\n| process | peak RSS MB | CPU s |")
    print("| --- | --- | --- |")
    for column, name in enumerate(names):
        print(f"| {name} | {spread([run[column][0] for run in rounds], 0)} | "
              f"{spread([run[column][1] for run in rounds], 2)} |")
    print(f"| sealed / plain (issue 19: at most 1.2) | "
          f"{spread([run[1][0] / run[0][0] for run in rounds], 2)} | "
          f"{spread([run[1][1] / run[0][1] for run in rounds], 2)} |")


if __name__ == "__main__":
    main()
