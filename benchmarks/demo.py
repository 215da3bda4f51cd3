"""Demo benchmark: synthesizing the demo song, and creating the demo session in a library.

    .venv/bin/python benchmarks/demo.py [--runs 7]

The demo session is made when a new therapist asks for it, from a worker; its song is
synthesized with numpy from a fixed seed. The first row is the song alone (process time: the
CPU it costs this process, not the machine's other work; target: under 1 s), after a warm-up
that builds numpy's FFT plans; the second is the whole session written into a fresh library
(wall time: it writes about 18 MB and syncs them). The table gives the median and the spread
of RUNS runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from mt_studio.core.demo import synthesize_song
from mt_studio.core.library import Library
from mt_studio.core.studio.demo import create_demo_session


def song_seconds() -> float:
    """Process time of one synthesis of the demo song."""
    started = time.process_time()
    synthesize_song()
    return time.process_time() - started


def session_seconds() -> float:
    """Wall time to create the demo session in a new library."""
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder)) as library:
        started = time.perf_counter()
        create_demo_session(library)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    synthesize_song()  # warm up numpy's FFT plans
    rows = [("demo song synthesized (process s)", [song_seconds() for _ in range(args.runs)],
             "< 1.0"),
            ("demo session created (wall s)", [session_seconds() for _ in range(args.runs)],
             "")]
    print(f"| what ({args.runs} runs) | median | min | max | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, seconds, target in rows:
        print(f"| {name} | {statistics.median(seconds):.3f} | {min(seconds):.3f} "
              f"| {max(seconds):.3f} | {target} |")


if __name__ == "__main__":
    main()
