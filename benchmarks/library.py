"""What the studio's everyday reads and writes cost on ten years of a service: SQLite against
PostgreSQL, in the same run (issue 20).

    .venv/bin/python benchmarks/library.py [--years 10] [--runs 7] [--cache DIR] [--rebuild]

The library is ten years of a municipal service (`benchmarks/service_years.py`): 6 therapists
and an admin with accounts (so it is encrypted and its chains keyed, as a service's is), 5 bands
and 3 choirs of 4-12 meeting weekly and about 34 people in weekly individual therapy, 48 weeks a
year. Ten years hold 18 554 sessions (about 39 a week) with 40 821 people present, 626
participants, 15 885 takes with 56 079 tracks (181 000 rows of who is heard on them), 2 595
consent rows (119 withdrawals), 947 exports and 122 775 audit rows (the run prints its counts).
It is written once per backend through the library's modules, half a year to a transaction
(here about 30 s on SQLite, 3 to 4 minutes on PostgreSQL), and kept in the cache folder (default
~/.cache/mt-studio/benchmarks: the SQLite library's folder; a pg_dump and the key file of the
PostgreSQL one), from which later runs copy or restore it (2 s). `--rebuild` writes it again.

PostgreSQL is a throwaway server made as the tests make theirs (`tests/postgres_server.py`),
reached over TCP on 127.0.0.1, restored from the dump and vacuumed and analysed as a server's
autovacuum would have done in ten years; it builds and restores without fsync, then is
restarted with fsync, synchronous_commit and full_page_writes on and 128 MB of shared buffers,
so that a commit costs what it costs on a server (the SQLite library syncs at every commit too).
A real server is across a network: each statement is a round trip (a batch of rows sent with
executemany is pipelined: one), so a PostgreSQL time grows by its round trips counted times the
network's round trip (0.2-0.5 ms on a LAN; 0.03 ms here).

Each operation is timed as the studio does it, signed in as a therapist, on both backends in
turn (the order swapped every round), RUNS rounds after one untimed call: the median, the
spread (fastest-slowest), the median of each round's PostgreSQL/SQLite ratio, and the round
trips to the server in one call. Beside each, its bare cost: the main query run
directly with the database's own driver (sqlcipher3 keyed as the library is; psycopg), so the
table shows what mt_studio adds.

- the consent gate: `_still_allowed` as an export's `recheck` runs it every half second while
  the files are written (the ledger rows of everyone heard read again and decided), for the
  latest band take the group may share; and the export's preview (`studio.sharing.preview`),
  which the export dialog shows first;
- check-in: `studio.sessions.check_in` of a band member to today's session (committed: the
  attendance row, its audit row chained, the heads kept outside the library); checked out
  again, untimed, between rounds;
- the session list the window shows first (`studio.sessions.all()`), every session of the ten
  years with who was present and its takes counted;
- the ledger check (`Studio.check_ledger`) that every opening makes: every chain walked.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import platformdirs
import psycopg

# This checkout's mt_studio (run as a script, the virtualenv's editable install would answer
# first, which may be another checkout) and the tests' PostgreSQL server.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from postgres_server import PostgresServer, start_server, stop_server  # noqa: E402

from benchmarks import service_years  # noqa: E402
from mt_studio.core.domain import Purpose  # noqa: E402
from mt_studio.core.domain.accounts import Role  # noqa: E402
from mt_studio.core.export import ExportRequest  # noqa: E402
from mt_studio.core.library import Library, migrations, server  # noqa: E402
from mt_studio.core.library.postgres import ServerConnection  # noqa: E402
from mt_studio.core.library.sqlite import sqlite3  # noqa: E402
from mt_studio.core.studio import Studio  # noqa: E402
from mt_studio.core.studio.encryption import (  # noqa: E402
    key_file_path,
    library_keys,
    load_key_file,
)
from mt_studio.core.studio.sharing import _Gate  # noqa: E402

BUILD = 1  # raise when the service changes, so that cached libraries are built again
DURABLE = ("fsync = on\nsynchronous_commit = on\nfull_page_writes = on\n"
           "shared_buffers = 128MB\n")
LEDGER_OF = ("SELECT id, participant_id, purpose, action, at, valid_until, credit, witness,"
             " form_version, reason FROM consent_events WHERE participant_id IN ({marks})"
             " ORDER BY id")
SESSION_LIST = ("SELECT s.id, s.date, s.kind, s.title,"
                " (SELECT count(*) FROM attendance a WHERE a.session_id = s.id),"
                " (SELECT count(*) FROM takes t WHERE t.session_id = s.id)"
                " FROM sessions s ORDER BY s.date DESC, s.id DESC")
CHAINS = ("SELECT * FROM consent_events ORDER BY id", "SELECT * FROM audit_log ORDER BY id",
          "SELECT * FROM exports ORDER BY id")
COUNTED = ("sessions", "participants", "attendance", "takes", "tracks", "track_participants",
           "consent_events", "exports", "audit_log")


def timed(work: Callable[[], object]) -> float:
    """WORK's wall time, in ms."""
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


# -- the libraries, built once and cached ------------------------------------------------------

def cache_name(years: int) -> str:
    """The cached library's name: what it is, and the schema it was written in."""
    return (f"service-{years}y-b{BUILD}-sqlite{len(migrations.MIGRATIONS)}"
            f"-pg{server.latest_version()}")


def make(location: str, store: Path, years: int) -> dict:
    """Give the new library at LOCATION (its key file in STORE) its accounts, which encrypt
    it, and the service's YEARS; how long it took."""
    started = time.perf_counter()
    with Studio.open(location) as studio:
        studio.accounts.add(service_years.ADMIN, Role.ADMIN, service_years.PASSPHRASE)
    with Studio.open(location) as studio:
        studio.sign_in(service_years.ADMIN, service_years.PASSPHRASE)
        accounts = {name: studio.accounts.add(name, Role.THERAPIST,
                                              service_years.PASSPHRASE).id
                    for name in service_years.THERAPISTS}
    key = load_key_file(store).unlock(service_years.ADMIN, service_years.PASSPHRASE)[0]
    with Library.open(location, keys=library_keys(key)) as library:
        service_years.build(library, key, accounts, years)
    return {"seconds": time.perf_counter() - started}


def sqlite_library(cache: Path, years: int, rebuild: bool, scratch: Path) -> tuple[Path, dict]:
    """A copy, in SCRATCH, of the cached SQLite library (built first if need be)."""
    kept = cache / f"{cache_name(years)}-sqlite"
    if rebuild or not (kept / "built.json").exists():
        shutil.rmtree(kept, ignore_errors=True)
        building = kept.with_name(kept.name + ".part")
        shutil.rmtree(building, ignore_errors=True)
        made = make(str(building / "library"), building / "library", years)
        (building / "built.json").write_text(json.dumps(made))
        building.rename(kept)
    folder = scratch / "sqlite" / "library"
    shutil.copytree(kept / "library", folder)
    return folder, json.loads((kept / "built.json").read_text())


def server_library(postgres: PostgresServer, cache: Path, years: int, rebuild: bool,
                   scratch: Path) -> tuple[str, dict]:
    """A database on POSTGRES restored from the cached dump (made first if need be), its key
    file in an audio store in SCRATCH; its address, and how long building and restoring took."""
    kept = cache / f"{cache_name(years)}-postgresql"
    tools = postgres.programs
    if rebuild or not (kept / "built.json").exists():
        shutil.rmtree(kept, ignore_errors=True)
        building = kept.with_name(kept.name + ".part")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        address, store = postgres.new_database(), scratch / "build-store"
        Library.create_on_server(address, store)
        made = make(address, store, years)
        subprocess.run([str(tools / "pg_dump"), "-Fc", "-d", address, "-f",
                        str(building / "library.dump")], check=True)
        shutil.copy(key_file_path(store), building / "library.keys")
        (building / "built.json").write_text(json.dumps(made))
        building.rename(kept)
    made = json.loads((kept / "built.json").read_text())
    started = time.perf_counter()
    address = postgres.new_database()
    subprocess.run([str(tools / "pg_restore"), "-j", "2", "-d", address,
                    str(kept / "library.dump")], check=True)
    postgres.sql("VACUUM ANALYZE", database=address.rsplit("/", 1)[1])
    made["restored"] = time.perf_counter() - started
    store = scratch / "store"
    store.mkdir(mode=0o700)
    shutil.copy(kept / "library.keys", key_file_path(store))
    os.environ[server.AUDIO_STORE_ENV] = str(store)  # the share, mounted here
    return address, made


def made_durable(postgres: PostgresServer) -> None:
    """Restart POSTGRES syncing its commits, as a server does (the tests' runs without)."""
    with (postgres.folder / "data" / "postgresql.conf").open("a") as conf:
        conf.write(DURABLE)
    postgres.stop()
    postgres.start()


# -- what is measured ------------------------------------------------------------------------

class Backend:
    """One library opened as a therapist opens it, signed in, and a bare connection of the
    database's own driver for the references."""

    def __init__(self, name: str, location: str) -> None:
        self.name = name
        self.sent = 0  # round trips the bare connection made
        self.take_id = self.heard = 0  # the take exported, and how many are heard on it
        self.studio = Studio.open(location)
        self.studio.sign_in(service_years.THERAPISTS[0], service_years.PASSPHRASE)
        self.keys = library_keys(load_key_file(self.studio.folder).unlock(
            service_years.ADMIN, service_years.PASSPHRASE)[0])
        if name == "SQLite":
            self.bare = sqlite3.connect(Path(location) / "library.sqlite3",
                                        isolation_level=None)
            self.bare.execute(f"PRAGMA key = \"x'{self.keys.database.hex()}'\"")
            self.bare.execute("PRAGMA synchronous = FULL")
        else:
            self.bare = psycopg.connect(location, autocommit=True)

    def close(self) -> None:
        self.bare.close()
        self.studio.close()

    def rows(self, sql: str, params: tuple = ()) -> list:
        """SQL (written with ? marks) run on the bare connection; its rows."""
        if self.name != "SQLite":
            sql = sql.replace("?", "%s")
        self.sent += 1
        return self.bare.execute(sql, params).fetchall()

    def written_bare(self, sql: str, params: tuple) -> None:
        """SQL run in a transaction of its own on the bare connection, committed."""
        self.sent += 3
        if self.name == "SQLite":
            self.bare.execute("BEGIN IMMEDIATE")
            self.bare.execute(sql, params)
            self.bare.execute("COMMIT")
        else:
            with self.bare.transaction():
                self.bare.execute(sql.replace("?", "%s"), params)


def shared_take(backend: Backend, scratch: Path) -> ExportRequest:
    """The latest band take that the group may be given, as an export for the group asks."""
    for (take_id,) in backend.rows("SELECT t.id FROM takes t JOIN sessions s"
                                   " ON s.id = t.session_id WHERE s.kind = 'band'"
                                   " ORDER BY t.id DESC LIMIT 200"):
        request = ExportRequest(take_id, Purpose.GROUP, scratch / "exports")
        if backend.studio.sharing.hearing(request).decision.allowed:
            return request
    raise RuntimeError("no recent band take the group may share")


def todays_session(studio: Studio) -> tuple[int, int]:
    """A session of today for a band, nobody checked in yet, and a member to check in."""
    group = next(g for g in studio.groups.all() if g.kind.value == "band")
    member = next(m.participant_id for m in group.memberships if m.left is None)
    session = studio.sessions.create("Øving", None, on=date.today(), present=[],
                                     group_id=group.id)
    return session.id, member


def operations(backend: Backend, scratch: Path) -> dict[str, tuple[Callable, Callable | None]]:
    """Each operation's call and, after it, what puts things back (untimed)."""
    studio = backend.studio
    request = shared_take(backend, scratch)
    plan = studio.sharing.plan(request)
    gate = _Gate(studio)
    heard = tuple(sorted(plan.participant_ids))
    ledger_of = LEDGER_OF.format(marks=", ".join("?" * len(heard)))
    session_id, member = todays_session(studio)
    backend.take_id, backend.heard = request.take_id, len(heard)

    def check_in() -> None:
        assert studio.sessions.check_in(session_id, member)

    def bare_check_in() -> None:
        backend.written_bare("INSERT INTO attendance (session_id, participant_id) VALUES (?, ?)"
                             " ON CONFLICT DO NOTHING", (session_id, member))

    def ledger_read() -> None:
        for sql in CHAINS:
            backend.rows(sql)

    return {
        "consent gate (an export's recheck)": (lambda: gate.recheck(plan), None),
        "  bare: the ledger rows of those heard": (lambda: backend.rows(ledger_of, heard), None),
        "export preview (studio.sharing.preview)": (lambda: studio.sharing.preview(request),
                                                    None),
        "check-in (studio.sessions.check_in)": (
            check_in, lambda: studio.sessions.check_out(session_id, member)),
        "  bare: the attendance row, committed": (
            bare_check_in, lambda: backend.written_bare(
                "DELETE FROM attendance WHERE session_id = ? AND participant_id = ?",
                (session_id, member))),
        "session list (studio.sessions.all)": (studio.sessions.all, None),
        "  bare: one query, what the list shows": (lambda: backend.rows(SESSION_LIST), None),
        "ledger check (Studio.check_ledger)": (studio.check_ledger, None),
        "  bare: the three chains read": (ledger_read, None),
    }


@contextmanager
def round_trips_counted():
    """Count the round trips to the PostgreSQL server meanwhile (`.count`)."""
    counter = SimpleNamespace(count=0)
    execute, executemany = ServerConnection.execute, ServerConnection.executemany

    def counted_execute(self, sql, params=None):
        counter.count += 1
        return execute(self, sql, params)

    def counted_many(self, sql, rows):  # psycopg pipelines the rows: one round trip
        counter.count += 1
        return executemany(self, sql, rows)

    ServerConnection.execute, ServerConnection.executemany = counted_execute, counted_many
    try:
        yield counter
    finally:
        ServerConnection.execute, ServerConnection.executemany = execute, executemany


def measure(backends: list[Backend], scratch: Path, runs: int) -> list[tuple]:
    """Each operation on each backend, RUNS rounds in turn: (name, times by backend,
    round trips to the server)."""
    ops = [operations(backend, scratch) for backend in backends]
    rows = []
    for name in ops[0]:
        times: list[list[float]] = [[] for _ in backends]
        for index, found in enumerate(ops):
            work, undo = found[name]
            if backends[index].name == "SQLite":
                work()
            else:
                sent = backends[index].sent
                with round_trips_counted() as counter:
                    work()
                trips = counter.count + backends[index].sent - sent
            if undo:
                undo()
        for round_number in range(runs):
            order = range(len(backends)) if round_number % 2 == 0 else \
                reversed(range(len(backends)))
            for index in order:
                work, undo = ops[index][name]
                times[index].append(timed(work))
                if undo:
                    undo()
        rows.append((name, times, trips))
    return rows


def table(rows: list[tuple], names: list[str]) -> str:
    """ROWS as a markdown table: median and spread per backend, the ratio of the last to the
    first (median of the rounds' ratios), round trips to the server."""
    lines = ["| operation | " + " | ".join(f"{n} ms, median (min-max)" for n in names)
             + f" | {names[-1]} / {names[0]} | round trips to the server |",
             "| --- | " + " | ".join("---:" for _ in names) + " | ---: | ---: |"]
    for name, times, trips in rows:
        cells = [f"{statistics.median(t):.1f} ({min(t):.1f}-{max(t):.1f})" for t in times]
        ratio = statistics.median(b / a for a, b in zip(times[0], times[-1], strict=True))
        lines.append(f"| {name.strip()} | " + " | ".join(cells)
                     + f" | {ratio:.1f}x | {trips} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=platformdirs.user_cache_path(
        "mt-studio", appauthor=False) / "benchmarks")
    parser.add_argument("--rebuild", action="store_true",
                        help="write the service's libraries again, not from the cache")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="mt-bench-library-"))
    os.environ["MT_STUDIO_STATE_DIR"] = str(scratch / "state")  # the heads seen: not yours
    postgres = start_server()
    backends: list[Backend] = []
    try:
        folder, sqlite_made = sqlite_library(args.cache, args.years, args.rebuild, scratch)
        address, server_made = server_library(postgres, args.cache, args.years, args.rebuild,
                                              scratch)
        made_durable(postgres)
        backends = [Backend("SQLite", str(folder)), Backend("PostgreSQL", address)]
        counts = {name: backends[0].rows(f"SELECT count(*) FROM {name}")[0][0]
                  for name in COUNTED}
        rows = measure(backends, scratch, args.runs)
        server_is = {name: backends[1].rows(f"SHOW {name}")[0][0]
                     for name in ("server_version", "fsync", "synchronous_commit")}
    finally:
        for backend in backends:
            backend.close()
        stop_server(postgres)
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\n{args.years} years of a service: "
          + ", ".join(f"{n} {name}" for name, n in counts.items()))
    print(f"built through the library's modules in {sqlite_made['seconds']:.0f} s (SQLite), "
          f"{server_made['seconds']:.0f} s (PostgreSQL; restored from its dump in "
          f"{server_made['restored']:.0f} s); PostgreSQL {server_is['server_version']} on "
          f"127.0.0.1, fsync {server_is['fsync']}, synchronous_commit "
          f"{server_is['synchronous_commit']}")
    print(f"the gate and preview: take {backends[0].take_id}, {backends[0].heard} people heard; "
          f"{args.runs} rounds each, backends in turn\n")
    print(table(rows, [backend.name for backend in backends]))


if __name__ == "__main__":
    main()
