"""A library's rows copied into a new library, on SQLite or PostgreSQL (`mt-studio library
copy`, docs/architecture.md "One library for the service"): every row of every table with its
ids, parents before the rows that point at them, the library's identity and its ledger's
hashes as they are, in the target's one transaction. The files are the studio's
(`core/studio/library_copy.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from graphlib import TopologicalSorter
from itertools import islice
from pathlib import Path

from mt_studio.core.errors import LibraryError
from mt_studio.core.library import ledger_chain
from mt_studio.core.library.database import LibraryKeys
from mt_studio.core.library.encrypting import ENCRYPTED_SETTING
from mt_studio.core.library.params import marks
from mt_studio.core.library.server import AUDIO_STORE_SETTING
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.i18n import _

# Settings that say where and how this database is kept, not what the service chose: a
# copy keeps the target's own (its audio store, when its database was made), and is marked
# encrypted on a server by the copy itself.
PLACE_SETTINGS = (AUDIO_STORE_SETTING, "created_at", ENCRYPTED_SETTING)
# What a new library holds before anyone uses it; everything else makes a target not new.
_MADE_WITH_A_LIBRARY = {"library_identity"}
_NOT_COPIED = {"library_version"}  # a server library's schema version, the target's own
_BATCH = 1000


def tables(db: sqlite3.Connection) -> list[str]:
    """The library's tables, each after the tables its rows point at (foreign keys)."""
    if ledger_chain.dialect(db) == "postgresql":
        names = [row[0] for row in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        links = db.execute(
            "SELECT child.relname, parent.relname FROM pg_constraint c"
            " JOIN pg_class child ON child.oid = c.conrelid"
            " JOIN pg_class parent ON parent.oid = c.confrelid"
            " JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE c.contype = 'f' AND n.nspname = 'public'").fetchall()
    else:
        names = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        links = [(name, row[0]) for name in names
                 for row in db.execute("SELECT \"table\" FROM pragma_foreign_key_list(?)",
                                       (name,))]
    graph: dict[str, set[str]] = {name: set() for name in sorted(names)
                                  if name not in _NOT_COPIED}
    for child, parent in links:
        if child in graph and parent != child:
            graph[child].add(parent)
    return list(TopologicalSorter(graph).static_order())


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    """TABLE's columns, in the order they were made."""
    if ledger_chain.dialect(db) == "postgresql":
        return [row[0] for row in db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name = ? ORDER BY ordinal_position", (table,))]
    return [row[0] for row in db.execute("SELECT name FROM pragma_table_info(?)", (table,))]


def first_table_in_use(db: sqlite3.Connection) -> str | None:
    """The first table holding rows that a new library does not (None: the library on DB is
    new: made, never used), read inside the caller's transaction."""
    for table in tables(db):
        if table in _MADE_WITH_A_LIBRARY:
            continue
        if table == "service_settings":
            used = db.execute(
                f"SELECT 1 FROM service_settings WHERE name NOT IN ({marks(PLACE_SETTINGS)})"
                " LIMIT 1", PLACE_SETTINGS).fetchone()
        else:
            used = db.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()
        if used is not None:
            return table
    return None


def identity_in(folder: Path, keys: LibraryKeys | None) -> str | None:
    """The identity of the SQLite library in FOLDER (opened with KEYS), read without changing
    anything; None when there is none, or it cannot be read with them."""
    from mt_studio.core.library.database import DATABASE_NAME, Library

    if not (folder / DATABASE_NAME).is_file():
        return None
    try:
        with Library(folder, None, keys).snapshot() as db:  # type: ignore[arg-type]
            return ledger_chain.library_id(db)
    except (sqlite3.Error, TypeError):  # not a library, or another key's
        return None


def refuse_takes_recording(db: sqlite3.Connection, source: str) -> None:
    """LibraryError naming SOURCE if a take in it is still being recorded (or was left
    unfinished by a crash), or its files still wait in a computer's spool: they are not whole
    in the library yet."""
    row = db.execute("SELECT id FROM takes WHERE status = 'recording' ORDER BY id LIMIT 1"
                     ).fetchone()
    if row is not None:
        raise LibraryError(_(
            "Take {take} in {source} is still being recorded, or was left unfinished by a "
            "crash: let the recording end (or run 'mt-studio recover'), then copy the "
            "library. Nothing was changed.").format(take=row[0], source=source))
    waiting = db.execute("SELECT take_id, computer FROM spooled_takes ORDER BY take_id LIMIT 1"
                         ).fetchone()
    if waiting is not None:  # its files are on that computer, not yet in the audio store
        raise LibraryError(_(
            "The files of take {take} in {source} still wait in {computer}'s spool, not yet "
            "in the audio store: open mt_studio on {computer} and let it copy them, then copy "
            "the library. Nothing was changed.").format(take=waiting[0], source=source,
                                                       computer=waiting[1]))


def part_hashes(db: sqlite3.Connection) -> dict[str, tuple[str, bool, int, str | None]]:
    """Every take file kept with a checksum: its library-relative name -> (SHA-256, whether it
    is a MIDI file, the take's samplerate and sample format), as `capture/part_check` reads
    them."""
    return {file: (sha256, kind == "midi", samplerate, sample_format)
            for file, sha256, kind, samplerate, sample_format in db.execute(
                "SELECT p.file, p.sha256, t.kind, k.samplerate, k.sample_format"
                " FROM track_parts p JOIN tracks t ON t.id = p.track_id"
                " JOIN takes k ON k.id = t.take_id WHERE p.sha256 IS NOT NULL")}


def copy_rows(source: sqlite3.Connection, target: sqlite3.Connection, *, encrypted: bool,
              progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Copy every row of the library on SOURCE into the new library open in TARGET's
    transaction, ids and ledger hashes as they are; the library's identity becomes SOURCE's,
    the target keeps its own PLACE_SETTINGS (ENCRYPTED: a server target is marked encrypted).
    How many rows of each table were copied. PROGRESS is told tables done (from 0), of all."""
    order = tables(target)
    _refuse_other_schema(source, target, order)
    if progress is not None:
        progress(0, len(order))
    copied: dict[str, int] = {}
    server = ledger_chain.dialect(target) == "postgresql"
    for number, table in enumerate(order):
        names = columns(target, table)
        if table == "library_identity":
            with ledger_chain.append_only_lifted(target):
                target.execute("DELETE FROM library_identity")
                copied[table] = _insert(target, table, names, _rows(source, table, names))
        elif table == "service_settings":
            rows = (row for row in _rows(source, table, names)
                    if row[names.index("name")] not in PLACE_SETTINGS)
            copied[table] = _insert(target, table, names, rows)
            if server and encrypted:
                target.execute("INSERT INTO service_settings (name, value) VALUES (?, '1')",
                               (ENCRYPTED_SETTING,))
        else:
            copied[table] = _insert(target, table, names, _rows(source, table, names))
        if progress is not None:
            progress(number + 1, len(order))
    if server:
        _sequences_past_ids(target)
    return copied


def count_rows(db: sqlite3.Connection, table: str) -> int:
    """How many rows TABLE holds."""
    return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def insert_rows(db: sqlite3.Connection, table: str, names: list[str],
                rows: Iterable[tuple]) -> int:
    """Write ROWS (values of NAMES, in order) into TABLE as they are; how many."""
    return _insert(db, table, names, iter(rows))


def _refuse_other_schema(source: sqlite3.Connection, target: sqlite3.Connection,
                         order: list[str]) -> None:
    """LibraryError if the two libraries' tables or columns differ (libraries of two versions
    of mt_studio; both are upgraded as they open, so this is a library changed by hand)."""
    only_one = sorted(set(tables(source)).symmetric_difference(order))
    if only_one:
        raise LibraryError(_("The table {table} is in only one of the two libraries: they are "
                             "not of the same mt_studio. Nothing was changed.").format(
                                 table=only_one[0]))
    for table in order:
        if set(columns(source, table)) != set(columns(target, table)):
            raise LibraryError(_("The table {table} has other columns in the two libraries: "
                                 "they are not of the same mt_studio. Nothing was changed."
                                 ).format(table=table))


def _rows(db: sqlite3.Connection, table: str, names: list[str]) -> Iterator[tuple]:
    cursor = db.execute(f'SELECT {_quoted(names)} FROM "{table}"')
    while batch := cursor.fetchmany(_BATCH):
        yield from (tuple(row) for row in batch)


def _insert(db: sqlite3.Connection, table: str, names: list[str],
            rows: Iterator[tuple]) -> int:
    sql = f'INSERT INTO "{table}" ({_quoted(names)}) VALUES ({marks(names)})'
    count = 0
    while batch := list(islice(rows, _BATCH)):
        db.executemany(sql, batch)
        count += len(batch)
    return count


def _sequences_past_ids(db: sqlite3.Connection) -> None:
    """Set each identity column's sequence past the ids copied, so that a new row never gets
    one of them (a PostgreSQL target)."""
    for table, column in db.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND is_identity = 'YES'").fetchall():
        db.execute(f'SELECT setval(pg_get_serial_sequence(?, ?),'
                   f' coalesce(max("{column}"), 0) + 1, false) FROM "{table}"', (table, column))


def _quoted(names: list[str]) -> str:
    """NAMES as quoted column names ("end" is a keyword)."""
    return ", ".join(f'"{name}"' for name in names)
