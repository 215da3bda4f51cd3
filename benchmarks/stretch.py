"""Stretch benchmark: a practice version at 75 % beside the `rubberband` command-line tool.

    .venv/bin/python benchmarks/stretch.py [--minutes 4] [--rate 44100] [--speed 0.75]
                                           [--rounds 3]

Synthesizes a stereo song-like signal (kick, snare, hi-hat, bass line, chords, a sung-like
melody with vibrato; seeded, no network), then times, each in its own process so that peak
RSS is its own, in turn over several rounds:

- mt_studio: `practice_version` on the song as two mono tracks (left, right), as the player
  would ask for it, from an empty cache: reads the WAVs, stretches each track in pieces with
  pedalboard's Rubber Band (R3 engine), writes float32 WAVs into the cache;
- mt_studio, cached: the same request again (the cache hit);
- pedalboard, one call: `pedalboard.time_stretch` on the whole stereo buffer at once (R3,
  channels together, formants preserved: pedalboard's defaults), read and written with
  soundfile: what a single buffer costs;
- rubberband -3: the command-line tool with the same engine and options as pedalboard's
  (`-3 -F --centre-focus`, offline), on the stereo file;
- rubberband -2: the tool's default R2 engine, for reference;
- import only: a Python that imports numpy, soundfile and pedalboard and stops (the floor
  under the Python rows' RSS).

Each run is a child process; its peak RSS is the kernel's high-water mark (VmHWM). The table
gives per tool the median wall seconds (min-max), times real time (song seconds per wall
second), CPU seconds, peak RSS and output frames against round(frames / speed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from child_process import measured

HERE = Path(__file__).resolve()


@dataclass
class Run:
    """One tool's run."""

    seconds: float
    cpu: float
    rss_mb: float
    frames: int


def song(minutes: float, rate: int, seed: int = 7) -> np.ndarray:
    """A stereo (frames, 2) float32 song at 100 bpm: drums, bass, chords and a melody."""
    rng = np.random.default_rng(seed)
    frames = round(minutes * 60 * rate)
    beat = round(rate * 60 / 100)
    left = np.zeros(frames, np.float64)
    right = np.zeros(frames, np.float64)

    def hit(target: np.ndarray, at: int, sound: np.ndarray) -> None:
        end = min(len(target), at + len(sound))
        target[at:end] += sound[:end - at]

    t = np.arange(beat) / rate
    kick = np.sin(2 * np.pi * (45 * t + 60 * (1 - np.exp(-t * 30)) / 30)) * np.exp(-t * 9)
    snare = (rng.standard_normal(beat) * 0.5 + np.sin(2 * np.pi * 185 * t)) * np.exp(-t * 22)
    hat = np.diff(rng.standard_normal(beat // 4 + 1)) * np.exp(-t[:beat // 4] * 80) * 0.3
    roots = [110.0, 87.31, 130.81, 98.0]  # A F C G
    scale = [220.0 * 2 ** (s / 12) for s in (0, 3, 5, 7, 10, 12, 15)]
    for bar, start in enumerate(range(0, frames, 4 * beat)):
        root = roots[bar % 4]
        for n in range(4):
            at = start + n * beat
            hit(left, at, 0.8 * kick if n % 2 == 0 else 0.45 * snare)
            hit(right, at, 0.8 * kick if n % 2 == 0 else 0.5 * snare)
            for half in (0, beat // 2):
                hit(right, at + half, hat)
            note = t * root * (2 if n == 3 else 1)
            bass = sum(np.sin(2 * np.pi * k * note) / k for k in range(1, 5))
            hit(left, at, 0.25 * bass * np.exp(-t * 3))
            hit(right, at, 0.25 * bass * np.exp(-t * 3))
            pitch = scale[rng.integers(len(scale))]
            vibrato = 0.004 * np.sin(2 * np.pi * 5.5 * t) * pitch / 5.5
            phase = 2 * np.pi * (pitch * t + vibrato)
            sung = sum(np.sin(k * phase) / k ** 1.5 for k in range(1, 6))
            hit(right, at, 0.18 * sung * np.minimum(1, t * 20) * np.exp(-t * 1.2))
        bar_t = np.arange(4 * beat) / rate
        chord = sum(np.sin(2 * np.pi * f * bar_t) + 0.3 * np.sin(4 * np.pi * f * bar_t)
                    for f in (root * 2, root * 2 * 1.26, root * 3))
        hit(left, start, 0.08 * chord * np.minimum(1, bar_t * 4))
    stereo = np.stack([left, right], axis=1)
    return (0.8 * stereo / np.abs(stereo).max()).astype(np.float32)


def child(kind: str, folder: Path, speed: float) -> None:
    """What runs inside a measured Python process."""
    if kind == "import":
        import pedalboard  # noqa: F401
        print(json.dumps({"frames": 0}))
        return
    if kind == "pedalboard":
        import pedalboard

        audio, rate = sf.read(folder / "song.wav", dtype="float32")
        stretched = pedalboard.time_stretch(audio.T.copy(), rate, stretch_factor=speed)
        sf.write(folder / "pedalboard.wav", stretched.T, rate, subtype="FLOAT")
        print(json.dumps({"frames": stretched.shape[1]}))
        return
    from mt_studio.core.practice import PracticeSettings, practice_version

    rate = sf.info(folder / "left.wav").samplerate
    version = practice_version(folder / "library", [[folder / "left.wav"],
                                                    [folder / "right.wav"]],
                               PracticeSettings(speed), samplerate=rate)
    print(json.dumps({"frames": min(sf.info(f[0]).frames for f in version.tracks)}))


def python_tool(kind: str):
    def run(folder: Path, speed: float) -> Run:
        if kind == "ours":
            shutil.rmtree(folder / "library", ignore_errors=True)
        wall, cpu, rss, out = measured([sys.executable, str(HERE), "--child", kind,
                                        "--folder", str(folder), "--speed", str(speed)], poll=0.01)
        return Run(wall, cpu, rss, json.loads(out)["frames"])
    return run


def rubberband(engine: str):
    def run(folder: Path, speed: float) -> Run:
        target = folder / f"rubberband{engine}.wav"
        options = ["-3", "-F", "--centre-focus"] if engine == "-3" else ["-2"]
        wall, cpu, rss, _out = measured(["rubberband", "-q", *options, "--tempo", str(speed),
                                         str(folder / "song.wav"), str(target)], poll=0.01)
        return Run(wall, cpu, rss, sf.info(target).frames)
    return run


TOOLS = {
    "mt_studio practice_version, 2 mono tracks": python_tool("ours"),
    "mt_studio, same request again (cached)": python_tool("cached"),
    "pedalboard.time_stretch, stereo, one call": python_tool("pedalboard"),
    "rubberband -3 -F --centre-focus (R3)": rubberband("-3"),
    "rubberband -2 (R2, its default)": rubberband("-2"),
    "Python importing pedalboard only (floor)": python_tool("import"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--rate", type=int, default=44100)
    parser.add_argument("--speed", type=float, default=0.75)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="run only the tools whose names contain one of these "
                        "comma-separated words")
    parser.add_argument("--child", choices=["ours", "cached", "pedalboard", "import"])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.child:
        child("ours" if args.child == "cached" else args.child, args.folder, args.speed)
        return
    if not shutil.which("rubberband"):
        sys.exit("the rubberband command-line tool is needed (Debian package rubberband-cli)")
    runs: dict[str, list[Run]] = {name: [] for name in TOOLS}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        audio = song(args.minutes, args.rate)
        sf.write(folder / "song.wav", audio, args.rate, subtype="FLOAT")
        sf.write(folder / "left.wav", audio[:, 0], args.rate, subtype="FLOAT")
        sf.write(folder / "right.wav", audio[:, 1], args.rate, subtype="FLOAT")
        names = [name for name in TOOLS if not args.only
                 or any(word in name for word in args.only.split(","))]
        runs = {name: runs[name] for name in names}
        for number in range(args.rounds):
            turn = (number * 2) % len(names)
            for name in names[turn:] + names[:turn]:
                if name.endswith("(cached)") and not (folder / "library").exists():
                    TOOLS[next(iter(TOOLS))](folder, args.speed)  # the cache to hit
                runs[name].append(TOOLS[name](folder, args.speed))
                print(f"round {number + 1}: {name}: {runs[name][-1]}", file=sys.stderr)
    seconds = len(audio) / args.rate
    expected = round(len(audio) / args.speed)
    print(f"\n{args.minutes:g}-minute stereo song, {args.rate} Hz, to {args.speed:.0%} speed, "
          f"{args.rounds} rounds, {os.cpu_count()} CPUs; medians (min-max)\n")
    print("| tool | seconds | × real time | CPU s | peak RSS MB | output frames "
          f"(expected {expected}) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, done in runs.items():
        wall = [run.seconds for run in done]
        frames = {run.frames for run in done}
        shown = "-" if frames == {0} else ", ".join(
            f"{f} ({(f - expected) / args.rate * 1000:+.1f} ms)" for f in sorted(frames))
        print(f"| {name} | {statistics.median(wall):.2f} ({min(wall):.2f}-{max(wall):.2f}) | "
              f"{seconds / statistics.median(wall):.1f} | "
              f"{statistics.median(run.cpu for run in done):.2f} | "
              f"{statistics.median(run.rss_mb for run in done):.0f} | {shown} |")


if __name__ == "__main__":
    main()
