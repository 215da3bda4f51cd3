"""What checking the ledger's hash chains costs: a library with 100 000 audit rows.

    .venv/bin/python benchmarks/ledger.py [--rows 100000] [--runs 7]

Times, each the median of RUNS (and the spread): the whole check (triggers, every chain and
the heads seen, on a snapshot of its own, as the window's worker and every command do), and
the work after each commit once the library was found intact (the heads counted and the file
outside the library replaced). Issue 17: a check over ~50 ms is not made on the GUI thread
before the first paint. For scale, measured in the same run: the sqlite3 shell's
`PRAGMA quick_check` of the same database (what every open already does) and `sha256sum` of
its file.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from mt_studio.core import ledger_heads
from mt_studio.core.library import Library, audit, ledger_chain
from mt_studio.core.studio import Studio


def timed(runs: int, work) -> tuple[float, float, float]:
    """The median, least and most of RUNS runs of WORK, in ms."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp()) / "library"
    with Library.open(folder) as library, library.transaction() as db:
        for number in range(args.rows):
            audit.record(db, "take.shown", f"take:{number % 500 + 1}", number % 40 + 1,
                         how="played")
    with Studio.open(folder) as studio:
        check = timed(args.runs, studio.check_ledger)
    with Library.open(folder) as library:
        db = library.connection
        library_id = ledger_chain.library_id(db)

        def keep_heads() -> None:  # what the studio does after each commit
            ledger_heads.keep(library_id, {table: (head.rows, head.hash)
                                           for table, head in ledger_chain.heads(db).items()})

        after_commit = timed(args.runs, keep_heads)
    database = folder / "library.sqlite3"
    quick_check = timed(args.runs, lambda: subprocess.run(
        ["sqlite3", str(database), "PRAGMA quick_check"], check=True, capture_output=True))
    file_hash = timed(args.runs, lambda: subprocess.run(
        ["sha256sum", str(database)], check=True, capture_output=True))
    rows = [("check (triggers, chains, heads seen)", *check),
            ("after a commit (heads counted and kept)", *after_commit),
            ("reference: sqlite3 PRAGMA quick_check", *quick_check),
            ("reference: sha256sum of the database file", *file_hash)]
    print(f"{args.rows} audit rows, {args.runs} runs, ms")
    print(f"{'':42} {'median':>8} {'min':>8} {'max':>8}")
    for name, median, least, most in rows:
        print(f"{name:42} {median:8.1f} {least:8.1f} {most:8.1f}")


if __name__ == "__main__":
    main()
