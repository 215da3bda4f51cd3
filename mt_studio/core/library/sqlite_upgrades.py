"""Upgrading an SQLite library's schema: WAL and the pragmas a library runs with, a copy kept
before each upgrade, and each migration in a transaction of its own (`migrations.py`)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from mt_studio.core.errors import LibraryError
from mt_studio.core.library.clock import utc_now
from mt_studio.core.library.database import (
    LibraryConnection,
    _damaged,
    _refuse_over_recordings,
    _use_keys,
)
from mt_studio.core.library.migrations import Migration
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.private_files import private_file
from mt_studio.i18n import _


def migrate(
    connection: sqlite3.Connection, database: Path, migrations: Sequence[Migration]
) -> None:
    try:
        # One statement, so one snapshot: a library another process is creating right now is
        # seen either empty or with its version, never with tables but no version yet.
        version, has_tables = connection.execute(
            "SELECT (SELECT user_version FROM pragma_user_version),"
            " (SELECT count(*) > 0 FROM sqlite_master)").fetchone()
        if version > len(migrations):
            raise LibraryError(
                _(
                    "{path} was written by a newer mt_studio (library version {found}; this one "
                    "reads up to {known}). Update mt_studio; the library was not changed."
                ).format(path=database, found=version, known=len(migrations))
            )
        if version == 0 and has_tables:
            raise LibraryError(
                _("{path} is an SQLite database of another program, not an mt_studio library; "
                  "it was left as it is.").format(path=database)
            )
        if version == 0:
            _refuse_over_recordings(database.parent, database)
        # Only now that the file is known to be ours may anything be written to it.
        use_wal(connection)
        connection.execute("PRAGMA foreign_keys = ON")
        # A deleted row is overwritten with zeros, not left in a free page to be read back.
        connection.execute("PRAGMA secure_delete = ON")
        # FULL: a consent change or audit row that was reported as saved survives a power cut.
        connection.execute("PRAGMA synchronous = FULL")
        if 0 < version < len(migrations):
            _back_up(connection, database, version)
        for number in range(version, len(migrations)):
            _apply(connection, migrations[number], number + 1)
    except sqlite3.Error as error:
        raise _damaged(database, error) from error


def use_wal(connection: sqlite3.Connection, patience_seconds: float = 5.0) -> None:
    """Switch to WAL, waiting while another process switches or creates the same library.

    Changing the journal mode can meet a lock without SQLite's busy handler being asked (it
    would risk a deadlock), so the wait is here.
    """
    deadline = time.monotonic() + patience_seconds
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _back_up(connection: LibraryConnection, database: Path, version: int) -> None:
    """Keep a copy of the library as it was before an upgrade changes it; never overwrite one."""
    stamp = utc_now().strftime("%Y%m%dT%H%M%S%f")
    backup_path = database.with_name(f"{database.name}.v{version}-{stamp}.backup")
    target = sqlite3.connect(private_file(backup_path), factory=LibraryConnection)
    try:
        _use_keys(target, connection.keys)  # an encrypted library's copy is encrypted too
        connection.backup(target)
    finally:
        target.close()


def _apply(connection: sqlite3.Connection, migration: Migration, version: int) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have upgraded the library while this one waited for the lock.
        if connection.execute("PRAGMA user_version").fetchone()[0] >= version:
            connection.execute("ROLLBACK")
            return
        if callable(migration):
            migration(connection)
        else:
            for statement in _statements(migration):
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {int(version)}")
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise sqlite3.IntegrityError(f"foreign key check failed after migration: {problems[0]}")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (executescript would commit our transaction)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if _has_code(pending):
                yield pending
            pending = ""
    if _has_code(pending.removesuffix(";")):
        yield pending


def _has_code(text: str) -> bool:
    lines = (line.split("--", 1)[0] for line in text.splitlines())
    return any(line.strip().strip(";") for line in lines)
