"""Peak cache benchmark (issues 5, 19): building speed, and the cached open time of a long
take, plain and sealed.

    .venv/bin/python benchmarks/peaks.py [--minutes 120] [--tracks 8] [--rate 48000]
                                         [--format pcm24|float32] [--rounds 3] [--folder DIR]
                                         [--keep]

Writes a take of TRACKS mono WAV files of MINUTES each (24-bit by default, as the recorder
writes them: a 2-hour 8-track take at 48 kHz is 8.3 GB) into a library folder in a temporary
folder under DIR (default the system's), and a second take of the same audio sealed with a
random take key, as an encrypted library holds it (as much again; the free space is checked
first), its key installed in the keyring as signing in does. Then it prints two markdown
tables, each figure for the plain take and the sealed one, measured one after the other in
each round (which first alternates), and the sealed take's time over the plain take's
(issue 19: at most 1.2).

Building: how many times real time per channel our builder (`peak_cache.build`) reads a
track's files and writes its cache, beside two references measured in the same run on the same
files: the existing exact `waveform.track_peaks` at 2000 columns (what the Takes view does
without a cache), and a bare soundfile read of the plain files with numpy min/max per 256
frames that writes nothing (the floor any builder in Python pays).

Showing the take: the seconds to open the caches of all tracks and get their whole-take peaks
at 2000 columns (target: under 1 s), beside `track_peaks` doing the same from the files, and
zoomed-in views in the middle of the take: 60 s (the base level), 5 s and 2000 samples (both
read from the files).

Cold figures are taken after dropping the page cache (`sync; echo 3 >
/proc/sys/vm/drop_caches`, which needs root and a kernel that allows it); the output says
whether that worked. Warm figures repeat the same on a file just read. Each figure is the
median of ROUNDS and, in brackets, the least and the most.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mt_studio.core import peak_cache, waveform  # noqa: E402 - run as a script from anywhere
from mt_studio.core.peak_cache import PeakCache  # noqa: E402
from mt_studio.core.sealing import keyring  # noqa: E402
from mt_studio.core.sealing.stream import is_sealed  # noqa: E402
from mt_studio.core.studio.file_sealing import seal_file_in_place  # noqa: E402

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


def write_take(library: Path, tracks: int, frames: int, rate: int, subtype: str,
               key: bytes) -> tuple[list[Path], list[Path]]:
    """One file per track (noise under a swell that differs per track, written in blocks) in
    take 1, and the same files sealed with KEY in take 2; the plain files and the sealed."""
    noise = np.random.default_rng(1).uniform(-1, 1, WRITE_BLOCK).astype(np.float32)
    plain, sealed = [], []
    for folder in ("take-1", "take-2"):
        (library / "audio" / folder).mkdir(parents=True)
    for track in range(1, tracks + 1):
        path = library / "audio" / "take-1" / f"track-{track}.wav"
        with sf.SoundFile(path, "w", rate, 1, subtype) as file:
            for number, first in enumerate(range(0, frames, WRITE_BLOCK)):
                gain = 0.05 + 0.9 * abs(np.sin(number / 37.0 + track))
                file.write(gain * noise[:min(WRITE_BLOCK, frames - first)])
        copy = library / "audio" / "take-2" / path.name
        shutil.copyfile(path, copy)
        why = seal_file_in_place(copy, key, copy.relative_to(library).as_posix(), 2)
        if why is not None:
            sys.exit(f"{copy} could not be sealed: {why}")
        plain.append(path)
        sealed.append(copy)
        print(f"  wrote {path.name}, and sealed", file=sys.stderr, flush=True)
    return plain, sealed


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


Action = Callable[[], object]
Case = tuple[str, Action, Action, Action | None, Action | None]


def measured(cases: list[Case], rounds: int, can_drop: bool
             ) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Seconds of each case's action from a dropped page cache (cold), and of its warm action
    done right after doing it once (warm), for the plain take and the sealed one (when it has
    one) one after the other, per round: {label: {"plain"|"sealed": [(cold, warm), ...]}}.
    The order of the cases rotates from round to round, plain or sealed first alternates."""
    times: dict[str, dict[str, list[tuple[float, float]]]] = {
        label: {"plain": [], "sealed": []} for label, *_actions in cases}
    for round_ in range(rounds):
        for label, action, warm_action, sealed, sealed_warm in (
                cases[round_ % len(cases):] + cases[:round_ % len(cases)]):
            sides = [("plain", action, warm_action)]
            if sealed is not None:
                sides.append(("sealed", sealed, sealed_warm))
            for side, cold_action, warm in sides[::-1] if round_ % 2 else sides:
                if can_drop:
                    drop_page_cache()
                cold = timed(cold_action)
                warm()
                times[label][side].append((cold, timed(warm)))
    return times


def spread(values: list[float], digits: int) -> str:
    """The median of VALUES and their range, as 'median (least-most)'."""
    return (f"{statistics.median(values):,.{digits}f} "
            f"({min(values):,.{digits}f}-{max(values):,.{digits}f})")


def table_row(label: str, runs: dict[str, list[tuple[float, float]]],
              shown: Callable[[float, int], float], digits: int) -> str:
    """A markdown row: plain, sealed and sealed/plain, cold then warm; SHOWN turns seconds
    (and 0 cold, 1 warm) into the figure shown."""
    cells = []
    for which in (0, 1):
        plain = [times[which] for times in runs["plain"]]
        sealed = [times[which] for times in runs["sealed"]]
        cells.append(spread([shown(t, which) for t in plain], digits))
        if sealed:
            cells += [spread([shown(t, which) for t in sealed], digits),
                      spread([s / p for s, p in zip(sealed, plain, strict=True)], 2)]
        else:
            cells += ["", ""]
    return f"| {label} | {' | '.join(cells)} |"


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
    # The plain and the sealed take, their caches, a file being sealed, margin.
    need = args.tracks * frames * sample_bytes * 2.1 + frames * sample_bytes + (256 << 20)
    free = shutil.disk_usage(args.folder).free
    if free < need:
        sys.exit(f"{args.folder} has {free / 1e9:.1f} GB free; this take needs "
                 f"{need / 1e9:.1f} GB. Try --minutes {int(args.minutes * free / need)}.")
    drop_problem = drop_page_cache()
    can_drop = drop_problem is None

    library = Path(tempfile.mkdtemp(dir=args.folder, prefix="mt-peaks-")) / "library"
    key = os.urandom(32)
    try:
        print(f"writing {args.tracks} tracks of {args.minutes:g} min "
              f"({args.tracks * frames * sample_bytes / 1e9:.2f} GB), plain and sealed...",
              file=sys.stderr)
        plain, sealed = write_take(library, args.tracks, frames, args.rate, subtype, key)
        keyring.install(library, lambda _take: key)  # as signing in to the library does
        report(args, library, plain, sealed, frames, can_drop, drop_problem)
    finally:
        keyring.uninstall(library)
        if args.keep:
            print(f"\nkept in {library}")
        else:
            shutil.rmtree(library.parent)


def report(args, library: Path, plain: list[Path], sealed: list[Path], frames: int,
           can_drop: bool, drop_problem: str | None) -> None:
    seconds = frames / args.rate
    channel_seconds = seconds * len(plain)
    caches = {id(paths): [peak_cache.cache_file(library, [path]) for path in paths]
              for paths in (plain, sealed)}

    def build_all(paths: list[Path]) -> Action:
        def build() -> None:
            for path, cache in zip(paths, caches[id(paths)], strict=True):
                assert peak_cache.build([path], cache)
        return build

    def build_first(paths: list[Path]) -> Action:
        return lambda: peak_cache.build(paths[:1], caches[id(paths)][0])

    def exact_all(paths: list[Path]) -> Action:
        return lambda: [waveform.track_peaks([path], COLUMNS) for path in paths]

    def exact_first(paths: list[Path]) -> Action:
        return lambda: waveform.track_peaks(paths[:1], COLUMNS)

    def view(paths: list[Path], columns: int, start: int = 0,
             stop: int | None = None) -> Action:
        def show() -> None:
            for path, cache_path in zip(paths, caches[id(paths)], strict=True):
                with PeakCache.open([path], cache_path) as cache:
                    cache.peaks(columns, start=start, stop=stop)
        return show

    print("measuring...", file=sys.stderr)
    files = f"`waveform.track_peaks` at {COLUMNS} columns (existing, exact)"
    building = measured([
        ("soundfile read of the plain files + numpy min/max per 256 frames (floor, writes "
         "nothing)", lambda: read_and_reduce(plain), lambda: read_and_reduce(plain[:1]),
         None, None),
        (files, exact_all(plain), exact_first(plain), exact_all(sealed), exact_first(sealed)),
        ("`peak_cache.build` (ours: reads, reduces, writes the cache)", build_all(plain),
         build_first(plain), build_all(sealed), build_first(sealed)),
    ], args.rounds, can_drop)
    middle = frames // 2
    views = [(f"whole take, {COLUMNS} columns, from the caches (open + peaks)", {}, {})]
    for label, span in (("60 s", 60 * args.rate), ("5 s", 5 * args.rate),
                        (f"{COLUMNS} samples", COLUMNS)):
        if span < frames:
            views.append((f"{label} in the middle, {COLUMNS} columns, from the caches "
                          f"({frames_per_peak(plain[0], caches[id(plain)][0], span)})",
                          {"start": middle - span // 2, "stop": middle + span // 2}, {}))
    showing = measured([(label, view(plain, COLUMNS, **at), view(plain, COLUMNS, **at),
                         view(sealed, COLUMNS, **at), view(sealed, COLUMNS, **at))
                        for label, at, _none in views], args.rounds, can_drop)
    from_files = {side: [(cold, warm * len(plain)) for cold, warm in runs]
                  for side, runs in building[files].items()}
    showing = {views[0][0]: showing[views[0][0]],
               f"whole take, {COLUMNS} columns, from the files (`track_peaks`; warm: the first "
               f"track's time x {len(plain)})": from_files,
               **{label: runs for label, runs in showing.items() if label != views[0][0]}}

    with PeakCache.open(plain[:1], caches[id(plain)][0]) as cache:
        cached = cache.peaks(COLUMNS)
    with PeakCache.open(sealed[:1], caches[id(sealed)][0]) as cache:
        sealed_cached = cache.peaks(COLUMNS)
    exact = waveform.track_peaks(plain[:1], COLUMNS)
    bound = bool((cached[:, 0] <= exact[:, 0]).all() and (cached[:, 1] >= exact[:, 1]).all())
    same = bool(np.array_equal(sealed_cached, cached)
                and np.array_equal(waveform.track_peaks(sealed[:1], COLUMNS), exact)
                and all(is_sealed(cache) for cache in caches[id(sealed)]))
    cache_bytes = sum(cache.stat().st_size for cache in caches[id(plain)])
    audio_bytes = sum(path.stat().st_size for path in plain)

    print(f"\n{len(plain)} tracks x {args.minutes:g} min at {args.rate} Hz, {args.format}, "
          f"{audio_bytes / 1e9:.2f} GB, plain and sealed; {os.cpu_count()} CPUs; numpy "
          f"{np.__version__}, libsndfile {sf.__libsndfile_version__}.")
    print("Cold: after dropping the page cache." if can_drop else
          f"Cold: the page cache could NOT be dropped ({drop_problem}); 'cold' is not cold.")
    print(f"Medians of {args.rounds} rounds (least-most); sealed/plain: the sealed take's time "
          "over the plain take's in the same round. Warm: the first track (building) or the "
          "same view again, just after doing it once.\n")
    print("| building peaks, x real time per channel | cold, plain | cold, sealed | "
          "sealed/plain | warm, plain | warm, sealed | sealed/plain |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, runs in building.items():
        print(table_row(label, runs, lambda time, warm: (seconds if warm else channel_seconds)
                        / time, 0))
    print(f"\n| showing the take's {len(plain)} tracks, s | cold, plain | cold, sealed | "
          "sealed/plain | warm, plain | warm, sealed | sealed/plain |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, runs in showing.items():
        print(table_row(label, runs, lambda time, _warm: time, 3))
    print(f"\nCaches: {cache_bytes / 1e6:.1f} MB for {audio_bytes / 1e9:.2f} GB of audio "
          f"({audio_bytes / cache_bytes:.0f}:1). Cached overview bounds the exact one: {bound}; "
          f"largest difference {np.abs(cached - exact).max():.4f} of full scale. The sealed "
          f"take's caches are sealed and give the same peaks, cached and exact: {same}.")


def frames_per_peak(path: Path, cache_path: Path, span: int) -> str:
    with PeakCache.open([path], cache_path) as cache:
        window = cache.frames_per_peak(span / COLUMNS)
    return "reads the files" if window == 1 else f"{window} frames a peak"


if __name__ == "__main__":
    main()
