"""Peak cache benchmark (issue 5): building speed, and the cached open time of a long take.

    .venv/bin/python benchmarks/peaks.py [--minutes 120] [--tracks 8] [--rate 48000]
                                         [--format pcm24|float32] [--folder DIR] [--keep]

Writes a take of TRACKS mono WAV files of MINUTES each (24-bit by default, as the recorder
writes them: a 2-hour 8-track take at 48 kHz is 8.3 GB; the free space is checked first) into
a library folder in a temporary folder under DIR (default the system's), then prints two
markdown tables.

Building: how many times real time per channel our builder (`peak_cache.build`) reads a
track's files and writes its cache, beside two references measured in the same run on the same
files: the existing exact `waveform.track_peaks` at 2000 columns (what the Takes view does now
on every open), and a bare soundfile read with numpy min/max per 256 frames that writes
nothing (the floor any builder in Python pays).

Showing the take: the seconds to open the caches of all tracks and get their whole-take peaks
at 2000 columns (target: under 1 s), beside `track_peaks` doing the same from the files, and
zoomed-in views in the middle of the take: 60 s (the base level), 5 s and 2000 samples (both
read from the files).

Cold figures are taken after dropping the page cache (`sync; echo 3 >
/proc/sys/vm/drop_caches`, which needs root and a kernel that allows it); the output says
whether that worked. Warm figures repeat the same on a file just read.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

from mt_studio.core import peak_cache, waveform
from mt_studio.core.peak_cache import PeakCache

COLUMNS = 2000
WRITE_BLOCK = 1 << 20


def drop_page_cache() -> str | None:
    """Empty the kernel's page cache; the reason it could not, or None."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as error:
        return str(error)
    return None


def write_take(library: Path, tracks: int, frames: int, rate: int, subtype: str) -> list[Path]:
    """One file per track: noise under a swell that differs per track, written in blocks."""
    folder = library / "audio" / "take-1"
    folder.mkdir(parents=True)
    noise = np.random.default_rng(1).uniform(-1, 1, WRITE_BLOCK).astype(np.float32)
    paths = []
    for track in range(1, tracks + 1):
        path = folder / f"track-{track}.wav"
        with sf.SoundFile(path, "w", rate, 1, subtype) as file:
            for number, first in enumerate(range(0, frames, WRITE_BLOCK)):
                gain = 0.05 + 0.9 * abs(np.sin(number / 37.0 + track))
                file.write(gain * noise[:min(WRITE_BLOCK, frames - first)])
        paths.append(path)
        print(f"  wrote {path.name}", file=sys.stderr, flush=True)
    return paths


def read_and_reduce(paths: list[Path]) -> None:
    """The floor: read as int32 and take the min and max of every 256 frames, keep nothing."""
    buffer = np.empty(1 << 16, dtype=np.int32)
    starts = np.arange(0, len(buffer), 256)
    for path in paths:
        with sf.SoundFile(path) as file:
            while len(block := file.read(len(buffer), dtype="int32", out=buffer)):
                cut = starts[starts < len(block)]
                np.minimum.reduceat(block, cut)
                np.maximum.reduceat(block, cut)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measured(cases: list[tuple[str, Callable[[], object], Callable[[], object]]], rounds: int,
             can_drop: bool) -> list[tuple[str, float, float]]:
    """Median seconds of each case's action from a dropped page cache (cold), and of its warm
    action done right after doing it once (warm); the order rotates from round to round."""
    times: dict[str, list[tuple[float, float]]] = {label: [] for label, _a, _w in cases}
    for round_ in range(rounds):
        for label, action, warm_action in cases[round_ % len(cases):] + cases[:round_ % len(cases)]:
            if can_drop:
                drop_page_cache()
            cold = timed(action)
            warm_action()
            times[label].append((cold, timed(warm_action)))
    return [(label, statistics.median(c for c, _w in runs), statistics.median(w for _c, w in runs))
            for label, runs in times.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=120)
    parser.add_argument("--tracks", type=int, default=8)
    parser.add_argument("--rate", type=int, default=48000)
    parser.add_argument("--format", choices=["pcm24", "float32"], default="pcm24")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--rounds", type=int, default=3, help="medians of this many runs")
    parser.add_argument("--keep", action="store_true", help="keep the take's files")
    args = parser.parse_args()

    frames = round(args.minutes * 60 * args.rate)
    subtype, sample_bytes = ("PCM_24", 3) if args.format == "pcm24" else ("FLOAT", 4)
    need = args.tracks * frames * sample_bytes * 1.15 + (256 << 20)  # audio, caches, margin
    free = shutil.disk_usage(args.folder).free
    if free < need:
        sys.exit(f"{args.folder} has {free / 1e9:.1f} GB free; this take needs "
                 f"{need / 1e9:.1f} GB. Try --minutes {int(args.minutes * free / need)}.")
    drop_problem = drop_page_cache()
    can_drop = drop_problem is None

    library = Path(tempfile.mkdtemp(dir=args.folder, prefix="mt-peaks-")) / "library"
    try:
        print(f"writing {args.tracks} tracks of {args.minutes:g} min "
              f"({args.tracks * frames * sample_bytes / 1e9:.2f} GB)...", file=sys.stderr)
        paths = write_take(library, args.tracks, frames, args.rate, subtype)
        report(args, library, paths, frames, can_drop, drop_problem)
    finally:
        if args.keep:
            print(f"\nkept in {library}")
        else:
            shutil.rmtree(library.parent)


def report(args, library: Path, paths: list[Path], frames: int, can_drop: bool,
           drop_problem: str | None) -> None:
    seconds = frames / args.rate
    channel_seconds = seconds * len(paths)
    caches = [peak_cache.cache_file(library, [path]) for path in paths]
    first = paths[:1]

    def build_all() -> None:
        for path, cache in zip(paths, caches, strict=True):
            assert peak_cache.build([path], cache)

    def view(columns: int, start: int = 0, stop: int | None = None) -> Callable[[], None]:
        def show() -> None:
            for path, cache_path in zip(paths, caches, strict=True):
                with PeakCache.open([path], cache_path) as cache:
                    cache.peaks(columns, start=start, stop=stop)
        return show

    print("measuring...", file=sys.stderr)
    files = f"`waveform.track_peaks` at {COLUMNS} columns (existing, exact)"
    building = measured([
        ("soundfile read + numpy min/max per 256 frames (floor, writes nothing)",
         lambda: read_and_reduce(paths), lambda: read_and_reduce(first)),
        (files, lambda: [waveform.track_peaks([p], COLUMNS) for p in paths],
         lambda: waveform.track_peaks(first, COLUMNS)),
        ("`peak_cache.build` (ours: reads, reduces, writes the cache)",
         build_all, lambda: peak_cache.build(first, caches[0])),
    ], args.rounds, can_drop)
    middle = frames // 2
    views = [(f"whole take, {COLUMNS} columns, from the caches (open + peaks)", view(COLUMNS))]
    for label, span in (("60 s", 60 * args.rate), ("5 s", 5 * args.rate),
                        (f"{COLUMNS} samples", COLUMNS)):
        if span < frames:
            views.append((f"{label} in the middle, {COLUMNS} columns, from the caches "
                          f"({frames_per_peak(paths[0], caches[0], span)})",
                          view(COLUMNS, middle - span // 2, middle + span // 2)))
    showing = measured([(label, show, show) for label, show in views], args.rounds, can_drop)
    _label, files_cold, files_warm = next(row for row in building if row[0] == files)
    showing.insert(1, (f"whole take, {COLUMNS} columns, from the files (`track_peaks`; warm: "
                       f"the first track's time x {len(paths)})",
                       files_cold, files_warm * len(paths)))

    with PeakCache.open(first, caches[0]) as cache:
        cached = cache.peaks(COLUMNS)
    exact = waveform.track_peaks(first, COLUMNS)
    bound = bool((cached[:, 0] <= exact[:, 0]).all() and (cached[:, 1] >= exact[:, 1]).all())
    cache_bytes = sum(cache.stat().st_size for cache in caches)
    audio_bytes = sum(path.stat().st_size for path in paths)

    print(f"\n{len(paths)} tracks x {args.minutes:g} min at {args.rate} Hz, {args.format}, "
          f"{audio_bytes / 1e9:.2f} GB; {os.cpu_count()} CPUs; numpy {np.__version__}, "
          f"libsndfile {sf.__libsndfile_version__}.")
    print("Cold: after dropping the page cache." if can_drop else
          f"Cold: the page cache could NOT be dropped ({drop_problem}); 'cold' is not cold.")
    print(f"Medians of {args.rounds} rounds. Warm: the first track (building) or the same "
          "view again, just after doing it once.\n")
    print("| building peaks | cold, x real time per channel | warm, x real time per channel |")
    print("| --- | ---: | ---: |")
    for label, cold, warm in building:
        print(f"| {label} | {channel_seconds / cold:,.0f} | {seconds / warm:,.0f} |")
    print(f"\n| showing the take's {len(paths)} tracks | cold, s | warm, s |")
    print("| --- | ---: | ---: |")
    for label, cold, warm in showing:
        print(f"| {label} | {cold:.3f} | {warm:.3f} |")
    print(f"\nCaches: {cache_bytes / 1e6:.1f} MB for {audio_bytes / 1e9:.2f} GB of audio "
          f"({audio_bytes / cache_bytes:.0f}:1). Cached overview bounds the exact one: {bound}; "
          f"largest difference {np.abs(cached - exact).max():.4f} of full scale.")


def frames_per_peak(path: Path, cache_path: Path, span: int) -> str:
    with PeakCache.open([path], cache_path) as cache:
        window = cache.frames_per_peak(span / COLUMNS)
    return "reads the files" if window == 1 else f"{window} frames a peak"


if __name__ == "__main__":
    main()
