"""Playback benchmark (issue 5): the memory a 2-hour 8-track take costs while it plays.

    .venv/bin/python benchmarks/playback.py [--minutes 120] [--tracks 8] [--seconds 30]
                                            [--folder DIR]

Writes a take of TRACKS mono 24-bit WAVs of MINUTES each (a 2-hour 8-track take at 48 kHz is
8.3 GB; the free space is checked first) into a library, starts its own `jackd -d dummy`, and
plays it in a child process for SECONDS: from the start, from the middle, then a 10-second
loop near the end with every track's mix changed on the way. It prints each process's peak
RSS (the kernel's high-water mark) and CPU seconds beside, in the same run:

- `sndfile-jackplay` (Debian's sndfile-tools) playing one of the same files through JACK: a
  C player that streams from disk, the reference;
- a Python process that only opens the same PortAudio/rtmixer output and plays silence: the
  floor that the interpreter, numpy and PortAudio cost before any take is opened.

Target (issue 5): the process under 400 MB RSS while the 2-hour 8-track take plays.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
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

RATE = 48000
WRITE_BLOCK = 1 << 20

PLAYER = """
import sys, time
from mt_studio.core.looping import LoopRegion
from mt_studio.core.mixing import TrackMix
from mt_studio.core.playback import TakePlayer
from mt_studio.core.studio import Studio

folder, take_id, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
with Studio.open(folder) as studio:
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
    print(player.position, player.problem, flush=True)
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


def write_take(folder: Path, minutes: float, tracks: int) -> tuple[Path, int, list[Path]]:
    """A library with one session and one take of TRACKS tracks; its folder, take id, files."""
    frames = int(minutes * 60 * RATE)
    library_folder = folder / "library"
    with Library.open(library_folder) as library, library.transaction() as db:
        session = sessions.create(db, "Benchmark", SessionKind.BAND, on=date.today())
        take_id = takes.start(db, session.id, RATE, sample_format="pcm24", device="system")
        files = [takes.add_track(db, take_id, TrackKind.AUDIO, input=n + 1).file
                 for n in range(tracks)]
        takes.finish(db, take_id, frames)
    noise = np.random.default_rng(1).uniform(-0.5, 0.5, WRITE_BLOCK).astype(np.float32)
    paths = []
    for number, file in enumerate(files):
        path = library_folder / file
        path.parent.mkdir(parents=True, exist_ok=True)
        with sf.SoundFile(path, "w", RATE, 1, "PCM_24") as out:
            for block, first in enumerate(range(0, frames, WRITE_BLOCK)):
                gain = 0.1 + 0.8 * abs(np.sin(block / 37.0 + number))
                out.write(gain * noise[:min(WRITE_BLOCK, frames - first)])
        paths.append(path)
        print(f"  wrote {path.name}", file=sys.stderr, flush=True)
    return library_folder, take_id, paths


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=120)
    parser.add_argument("--tracks", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    needed = int(args.minutes * 60 * RATE * 3 * args.tracks * 1.01)
    free = shutil.disk_usage(args.folder).free
    if free < needed:
        sys.exit(f"{args.folder} has {free / 1e9:.1f} GB free; {needed / 1e9:.1f} GB are "
                 f"needed (try --minutes {int(args.minutes * free / needed)})")
    if shutil.which("sndfile-jackplay") is None:
        sys.exit("sndfile-jackplay is missing: apt-get install sndfile-tools (.ci/setup does)")
    with tempfile.TemporaryDirectory(dir=args.folder) as scratch:
        library, take_id, paths = write_take(Path(scratch), args.minutes, args.tracks)
        server = Server(2, RATE, 256)
        try:
            ours = measured([sys.executable, "-c", PLAYER, str(library), str(take_id),
                             str(args.seconds)], server.env)
            reference = measured(["sndfile-jackplay", str(paths[0])], server.env, args.seconds)
            floor = measured([sys.executable, "-c", FLOOR, str(args.seconds)], server.env)
        finally:
            server.stop()
    position, problem = ours[2].split()[:2] if ours[2].split() else ("?", "?")
    print(f"\n{args.tracks} tracks x {args.minutes:g} min at {RATE} Hz (24-bit), "
          f"{args.seconds:g} s of playing; the take's player ended at frame {position} "
          f"(problem: {problem})\n")
    print("| process | peak RSS MB | CPU s |")
    print("| --- | --- | --- |")
    for name, (rss, cpu, _out) in (
            (f"mt_studio TakePlayer, {args.tracks} tracks mixed, looped", ours),
            ("sndfile-jackplay, one of the files (reference)", reference),
            ("Python + rtmixer playing silence (floor)", floor)):
        print(f"| {name} | {rss:.0f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
