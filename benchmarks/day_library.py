"""What the library for the day costs on ten years of a service (issue 20, part 4): making it
while the server answers, and moving a day's work in, with the reference tools measured in the
same run.

    .venv/bin/python benchmarks/day_library.py [--years 10] [--runs 5] [--takes 3]
        [--cache DIR] [--rebuild]

The service's library is the one `benchmarks/library.py` builds and caches (ten years: 626
participants, 2 595 consent rows, 18 554 sessions), restored on a throwaway PostgreSQL server
that syncs its commits, signed in as a therapist. Each round:

- **made**: `day_library.prepare` makes the day library anew, as the window does every ten
  minutes: accounts, participants, groups, today's sessions and the consent ledger read from
  the server and written, chained and encrypted, into a new SQLite library. Reference:
  `pg_dump --data-only` of the same tables (all their rows) to a file, which reads the same
  rows off the server and writes them, unencrypted and unchained;
- **moved in**: the day library taken, TAKES demo takes recorded in it (4 audio tracks and a
  MIDI track each, 20 s at 48 kHz), then `day_library.move_in`: the rows in one transaction,
  consent checked again, every file sealed again into the spool. Reference: `cp -r` of the day
  library's audio folder (the files copied, nothing sealed or checked).

Medians of RUNS rounds, with the spread (fastest-slowest).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from postgres_server import start_server, stop_server  # noqa: E402

from benchmarks import service_years  # noqa: E402
from benchmarks.library import made_durable, server_library  # noqa: E402
from mt_studio.core.studio import Studio, day_library  # noqa: E402

KIT_TABLES = ("accounts", "participants", "groups", "group_members", "consent_events",
              "service_settings")


def seconds(work) -> tuple[float, object]:
    """WORK's wall time in ms, and what it returned."""
    start = time.perf_counter()
    found = work()
    return (time.perf_counter() - start) * 1000, found


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def one_round(studio: Studio, address: str, tools: Path, scratch: Path, takes: int) -> dict:
    """One round of each measure; their times in ms."""
    out: dict[str, float] = {}
    out["made"], made = seconds(lambda: day_library.prepare(studio))
    assert made, "the day library was not made"
    out["kit MB"] = size_of(day_library.library_folder(address)) / 1e6
    dump = scratch / "kit.sql"
    out["pg_dump of its tables"], _ = seconds(lambda: subprocess.run(
        [str(tools / "pg_dump"), "--data-only", *[f"--table={t}" for t in KIT_TABLES],
         "-d", address, "-f", str(dump)], check=True))
    dump.unlink()
    with Studio.open(day_library.take(address)) as day:
        day.sign_in(service_years.THERAPISTS[0], service_years.PASSPHRASE)
        for _number in range(takes):
            day.sessions.create_demo()
    audio = day_library.library_folder(address) / "audio"
    out["day MB"] = size_of(audio) / 1e6
    copied = scratch / "copied"
    out["cp -r of its audio"], _ = seconds(lambda: subprocess.run(
        ["cp", "-r", str(audio), str(copied)], check=True))
    shutil.rmtree(copied)
    out["moved in"], moved = seconds(lambda: day_library.move_in(studio))
    assert moved is not None and len(moved.takes) == takes
    studio.recording.move_to_store()  # the store mover's part, untimed: the share's
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--takes", type=int, default=3)
    parser.add_argument("--cache", type=Path,
                        default=platformdirs.user_cache_path("mt-studio") / "benchmarks")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="mt-day-bench-"))
    os.environ["MT_STUDIO_STATE_DIR"] = str(scratch / "state")
    postgres = start_server()
    try:
        address, built = server_library(postgres, args.cache, args.years, args.rebuild, scratch)
        made_durable(postgres)
        rounds = []
        with Studio.open(address) as studio:
            studio.sign_in(service_years.THERAPISTS[0], service_years.PASSPHRASE)
            day_library.prepare(studio)  # untimed: the first reads warm the server's cache
            for _round in range(args.runs):
                rounds.append(one_round(studio, address, postgres.programs, scratch,
                                        args.takes))
        counts = {table: postgres.sql(f"SELECT count(*) FROM {table}",
                                      database=address.rsplit("/", 1)[1])[0][0]
                  for table in ("participants", "consent_events", "sessions", "audit_log")}
        print(f"{args.years} years ({', '.join(f'{n} {t}' for t, n in counts.items())}) "
              f"restored in {built['restored']:.1f} s; {args.runs} rounds, {args.takes} demo "
              f"takes a day; load {os.getloadavg()[0]:.1f}")
        print("| measure | median ms | fastest–slowest ms |")
        print("| --- | ---: | ---: |")
        for name in ("made", "pg_dump of its tables", "moved in", "cp -r of its audio"):
            found = [r[name] for r in rounds]
            print(f"| {name} | {statistics.median(found):.0f} | "
                  f"{min(found):.0f}–{max(found):.0f} |")
        print(f"the day library: {statistics.median(r['kit MB'] for r in rounds):.1f} MB "
              f"made; {statistics.median(r['day MB'] for r in rounds):.1f} MB of audio a day")
    finally:
        stop_server(postgres)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
