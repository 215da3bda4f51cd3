"""Opening the library safely: checks before any write, migrations, one transaction per change."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import platformdirs

from mt_studio.core.errors import LibraryError
from mt_studio.core.library.clock import utc_now
from mt_studio.core.library.migrations import MIGRATIONS, Migration
from mt_studio.core.private_files import FOLDER_MODE, keep_private, private_file
from mt_studio.i18n import _

DATABASE_NAME = "library.sqlite3"
AUDIO_FOLDER = "audio"
LIBRARY_ENV = "MT_STUDIO_LIBRARY"
_SQLITE_HEADER = b"SQLite format 3\x00"
_WAL_FILES = ("-wal", "-shm")


def default_library_folder() -> Path:
    """The library folder: $MT_STUDIO_LIBRARY if set, else one in the user's data folder."""
    chosen = os.environ.get(LIBRARY_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return platformdirs.user_data_path("mt-studio", appauthor=False) / "library"


class Library:
    """An open library folder: the database and the audio files stored beside it by id."""

    def __init__(self, folder: Path, connection: sqlite3.Connection) -> None:
        self.folder = folder
        self.connection = connection
        # One connection for every thread: whoever uses it for a transaction or a read that
        # must not fall in another thread's transaction holds this (the studio does).
        self.lock = threading.RLock()

    @classmethod
    def open(cls, folder: Path | str, migrations: Sequence[Migration] = MIGRATIONS) -> Library:
        """Open (or create) the library in FOLDER, upgrading its schema if it is older.

        Raises LibraryError, naming the file, for a folder that cannot be written, a file that
        is not a library, a damaged database or one from a newer mt_studio, for an empty name
        (it would be the current folder), and for a missing or empty database beside recordings
        (a new library there would write over them); none is changed.
        """
        if not str(folder).strip():
            raise LibraryError(
                _("No library folder was given (an empty name would make a library in the "
                  "current folder, {folder}); name the folder.").format(folder=Path.cwd()))
        folder = Path(folder).expanduser().absolute()
        _ensure_writable_folder(folder)
        database = folder / DATABASE_NAME
        _check_header(database)
        _check_writable_files(database)
        if not database.exists() or database.stat().st_size == 0:
            _refuse_over_recordings(folder, database)
        connection = _connect(private_file(database))
        keep_private(folder, (database, *(database.with_name(database.name + end)
                                           for end in ("-wal", "-shm"))))
        try:
            _check_integrity(connection, database)
            _migrate(connection, database, migrations)
        except BaseException:
            connection.close()
            raise
        library = cls(folder, connection)
        library.finish_removals()
        return library

    @property
    def database_path(self) -> Path:
        """The SQLite file."""
        return self.folder / DATABASE_NAME

    @property
    def audio_folder(self) -> Path:
        """Where the take files live, under names made of ids only."""
        return self.folder / AUDIO_FOLDER

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing change: committed on success, rolled back on any exception;
        other threads' changes and reads through the lock wait meanwhile."""
        with self.lock, _named_if_read_only(self.database_path):
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A connection of its own, read-only, seeing the library as committed when its first
        read began until the block ends; the library's lock is not held meanwhile (for a long
        read in a worker, such as checking the ledger)."""
        uri = f"{self.database_path.as_uri()}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None,
                                     check_same_thread=False)
        try:
            connection.execute("PRAGMA busy_timeout = 5000")
            connection.execute("BEGIN")
            yield connection
        finally:
            connection.close()

    def finish_removals(self) -> int:
        """Remove the files of deletions committed but not finished (cut short by a crash, or
        just committed); how many paths went (removals.py)."""
        from mt_studio.core.library import removals

        with self.lock:
            if not removals.any_pending(self.connection):
                return 0
            with self.transaction() as db:
                return removals.finish(db, self.folder)

    def close(self) -> None:
        """Close the database; the library stays as it was last committed."""
        self.connection.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _ensure_writable_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    except OSError as error:
        raise LibraryError(
            _("Cannot create the library folder {folder}: {reason}").format(
                folder=folder, reason=error.strerror or error
            )
        ) from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LibraryError(
            _("The library folder {folder} cannot be written.").format(folder=folder)
        )


def _check_writable_files(database: Path) -> None:
    """Refuse a database (or its write-ahead log) that cannot be written, such as one on a
    read-only disk: every look at a library is audited, so it cannot be used read-only."""
    for path in (database, *(database.with_name(database.name + end) for end in _WAL_FILES)):
        if path.exists() and not os.access(path, os.W_OK):
            raise _not_writable(path)


def _not_writable(path: Path) -> LibraryError:
    return LibraryError(_("The library database {path} cannot be written (a read-only file "
                          "or disk); every look at a library is written down, so it cannot "
                          "be opened. Nothing was changed.").format(path=path))


@contextmanager
def _named_if_read_only(database: Path) -> Iterator[None]:
    """SQLite's refusal to write (the disk made read-only since the library was opened) as
    a LibraryError naming DATABASE."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_READONLY:
            raise _not_writable(database) from error
        raise


def _refuse_over_recordings(folder: Path, database: Path) -> None:
    """Refuse to start a new library in FOLDER when its audio folder holds anything: without
    the database that knew them, new takes would get the old takes' ids and file names."""
    audio = folder / AUDIO_FOLDER
    try:
        holds_files = audio.is_dir() and any(audio.iterdir())
    except OSError as error:
        raise LibraryError(_("Cannot read the audio folder {folder}: {reason}").format(
            folder=audio, reason=error.strerror or error)) from error
    if holds_files:
        raise LibraryError(
            _("{folder} holds recordings in {audio}, but its library database {path} is "
              "missing or empty. mt_studio will not start a new library on top of them: "
              "restore the database from a backup, or choose another folder. Nothing was "
              "changed.").format(folder=folder, audio=audio, path=database))


def _check_header(database: Path) -> None:
    """Refuse a file that is not SQLite before SQLite is allowed to touch it."""
    if not database.exists():
        return
    try:
        with database.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise LibraryError(
            _("Cannot read the library database {path}: {reason}").format(
                path=database, reason=error.strerror or error
            )
        ) from error
    if header and header != _SQLITE_HEADER:
        raise LibraryError(
            _("{path} is not an mt_studio library (not an SQLite database); it was left as it is.")
            .format(path=database)
        )


def _connect(database: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA busy_timeout = 5000")
    except sqlite3.Error as error:
        raise _damaged(database, error) from error
    return connection


def _check_integrity(connection: sqlite3.Connection, database: Path) -> None:
    try:
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        raise _damaged(database, error) from error
    if problems != ["ok"]:
        raise _damaged(database, problems[0])


def _migrate(
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
        _use_wal(connection)
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


def _use_wal(connection: sqlite3.Connection, patience_seconds: float = 5.0) -> None:
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


def _back_up(connection: sqlite3.Connection, database: Path, version: int) -> None:
    """Keep a copy of the library as it was before an upgrade changes it; never overwrite one."""
    stamp = utc_now().strftime("%Y%m%dT%H%M%S%f")
    backup_path = database.with_name(f"{database.name}.v{version}-{stamp}.backup")
    target = sqlite3.connect(private_file(backup_path))
    try:
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


def _damaged(database: Path, error: object) -> LibraryError:
    return LibraryError(
        _("The library database {path} cannot be used: {reason}. It was left as it is.").format(
            path=database, reason=error
        )
    )
