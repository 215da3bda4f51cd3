"""Opening the library safely: checks before any write, migrations, one transaction per change."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from mt_studio.core.errors import LibraryError
from mt_studio.core.library.address import is_server_address, shown_address
from mt_studio.core.library.migrations import MIGRATIONS, Migration
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.private_files import FOLDER_MODE, keep_private, private_file
from mt_studio.i18n import _

DATABASE_NAME = "library.sqlite3"
AUDIO_FOLDER = "audio"
LIBRARY_ENV = "MT_STUDIO_LIBRARY"
_SQLITE_HEADER = b"SQLite format 3\x00"
_WAL_FILES = ("-wal", "-shm")


@dataclass(frozen=True)
class LibraryKeys:
    """The keys of an encrypted library's database (SQLCipher's raw key) and of its ledger's
    hash chains (HMAC), both made from the library key by the studio."""

    database: bytes
    chain: bytes

    def __repr__(self) -> str:
        return "LibraryKeys(...)"


class LibraryConnection(sqlite3.Connection):
    """The library's connection, knowing its keys (None: a plain library)."""

    keys: LibraryKeys | None = None
    dialect = "sqlite"

    def begin_write(self) -> None:
        """Begin a transaction that changes the library: writers take turns."""
        self.execute("BEGIN IMMEDIATE")

    def begin_read(self) -> None:
        """Begin a transaction that sees the library as committed when its first read began."""
        self.execute("BEGIN")

    def notify_changed(self, notices: Sequence[str]) -> None:
        """Other processes see an SQLite library's changes when they next read it."""

    @property
    def chain_key(self) -> bytes | None:
        """The key the ledger's chains are linked with."""
        return None if self.keys is None else self.keys.chain

    def iterdump(self) -> Iterator[str]:
        """The database as SQL statements, as the standard library's sqlite3 gives them
        (sqlcipher3's connection has no dump of its own)."""
        from sqlite3.dump import _iterdump

        return _iterdump(self)


def default_library_folder() -> Path | str:
    """The library: $MT_STUDIO_LIBRARY if set (a folder, or a PostgreSQL server's address),
    else a folder in the user's data folder."""
    chosen = os.environ.get(LIBRARY_ENV)
    if chosen and is_server_address(chosen):
        return chosen.strip()
    if chosen:
        return Path(chosen).expanduser()
    return platformdirs.user_data_path("mt-studio", appauthor=False) / "library"


class Library:
    """An open library: its database (SQLite in its folder, or on a PostgreSQL server) and
    its audio files by id (in the same folder, or in the server library's audio store)."""

    def __init__(self, folder: Path, connection: sqlite3.Connection,
                 keys: LibraryKeys | None = None, *, address: str | None = None) -> None:
        self.folder = folder
        self.connection = connection
        self.keys = keys  # None: a plain library (no accounts), or one not yet encrypted
        self.address = address  # the server's address; None for a library in a folder
        self.origin = secrets.token_hex(6)  # tells this door's own notices from others'

        # One connection for every thread: whoever uses it for a transaction or a read that
        # must not fall in another thread's transaction holds this (the studio does).
        self.lock = threading.RLock()

    def listen(self, heard: Callable[[str], None],
               reach: Callable[[bool], None]) -> Callable[[], None]:
        """Call HEARD with every notice committed to a server library (by anyone; see
        `origin`), and REACH with False when the server is lost and True when it is back, in
        a thread of its own; the call returned stops it. A library in a folder hears
        nothing."""
        if self.address is None:
            return lambda: None
        from mt_studio.core.library.postgres import ChangeListener

        listener = ChangeListener(self.address, heard, reach)
        listener.start()
        return listener.stop

    @staticmethod
    def watch_server(address: str, reach: Callable[[bool], None]) -> Callable[[], None]:
        """Call REACH with True whenever the server at ADDRESS answers (at first too) and False
        when it is lost, in a thread of its own (a library for the day waits for its
        service's); the call returned stops it."""
        from mt_studio.core.library.postgres import ChangeListener

        listener = ChangeListener(address, lambda _notice: None, reach, lost=True)
        listener.start()
        return listener.stop

    @classmethod
    def open(cls, folder: Path | str, migrations: Sequence[Migration] = MIGRATIONS, *,
             keys: LibraryKeys | None = None) -> Library:
        """Open (or create) the library in FOLDER, upgrading its schema if it is older; an
        encrypted one with KEYS (a database still plain, its encryption cut short, opens
        plain: `keys` is then None until `encrypt`). FOLDER may be a PostgreSQL server's
        address instead (`server.py`): its library is made by `create_on_server`, not here.

        Raises LibraryError, naming the file, for a folder that cannot be written, a file that
        is not a library, a damaged database or one from a newer mt_studio, for an empty name
        (it would be the current folder), and for a missing or empty database beside recordings
        (a new library there would write over them); none is changed.
        """
        if is_server_address(folder):
            return cls._open_on_server(str(folder).strip(), keys)
        folder = _folder(folder)
        connection, keys = _open_connection(folder, migrations, keys)
        library = cls(folder, connection, keys)
        library.finish_removals()
        return library

    @classmethod
    def _open_on_server(cls, address: str, keys: LibraryKeys | None) -> Library:
        connection, keys, store = _open_on_server_with(address, keys)
        try:
            _ensure_reachable_store(store)
        except BaseException:
            connection.close()
            raise
        library = cls(store, connection, keys, address=address)
        library.finish_removals()
        return library

    @staticmethod
    def create_on_server(address: str, audio_store: Path | str) -> None:
        """Make a new library in the empty PostgreSQL database at ADDRESS, its recordings in
        the folder AUDIO_STORE (LibraryError naming what is wrong; nothing is changed)."""
        from mt_studio.core.library import server

        store = _folder(audio_store)
        _ensure_writable_folder(store)
        server.create(address, store)

    @property
    def location(self) -> str:
        """What opens this library again (in another process): its folder or its address."""
        return str(self.folder) if self.address is None else self.address

    @property
    def on_server(self) -> bool:
        """Whether the library's database is on a PostgreSQL server."""
        return self.address is not None

    @property
    def shown_name(self) -> str:
        """The library as people are shown it: its folder, or its server's address."""
        return str(self.folder) if self.address is None else shown_address(self.address)
    @classmethod
    def locked(cls, folder: Path | str) -> Library:
        """The encrypted library in FOLDER, not yet opened: `unlock` opens it with its keys."""
        folder = _folder(folder)
        _ensure_writable_folder(folder)
        return cls(folder, None)  # type: ignore[arg-type]

    @property
    def is_open(self) -> bool:
        """Whether the database is open (an encrypted library's once unlocked)."""
        return self.connection is not None

    def unlock(self, keys: LibraryKeys) -> None:
        """Open the encrypted library's database with KEYS (as `open` does)."""
        with self.lock:
            if self.connection is not None:
                return
            if self.address is not None:
                self.connection, self.keys, _store = _open_on_server_with(self.address, keys)
            else:
                self.connection, self.keys = _open_connection(self.folder, MIGRATIONS, keys)
        self.finish_removals()

    def lock_until_unlocked(self) -> None:
        """Close the database until `unlock` (a server library found encrypted on opening:
        nothing is read before a sign-in)."""
        with self.lock:
            if self.connection is not None:
                self.connection.close()
            self.connection, self.keys = None, None  # type: ignore[assignment]

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
            self.connection.begin_write()
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
        if self.address is not None:
            from mt_studio.core.library.postgres import ServerConnection

            server = ServerConnection.connect(self.address, read_only=True)
            server.keys = self.keys
            try:
                server.begin_read()
                yield server
            finally:
                server.close()
            return
        uri = f"{self.database_path.as_uri()}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None,
                                     check_same_thread=False, factory=LibraryConnection)
        try:
            _use_keys(connection, self.keys)
            connection.execute("PRAGMA busy_timeout = 5000")
            connection.execute("BEGIN")
            yield connection
        finally:
            connection.close()

    def encrypt(self, keys: LibraryKeys,
                prepare: Callable[[sqlite3.Connection], None]) -> None:
        """Encrypt this plain library's database with KEYS, in place; PREPARE changes the
        encrypted copy before it takes the plain one's place (`encrypting.py`)."""
        from mt_studio.core.library.encrypting import encrypt

        encrypt(self, keys, prepare)

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
        if self.connection is not None:
            self.connection.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _open_on_server_with(address: str, keys: LibraryKeys | None
                         ) -> tuple[sqlite3.Connection, LibraryKeys | None, Path]:
    """The server library's connection, keyed with KEYS once its encryption is done (before,
    its chains are still plain: `keys` is None until `encrypt`, as for a plain database), and
    its audio store."""
    from mt_studio.core.library import server
    from mt_studio.core.library.encrypting import encrypted_on_server

    connection, store = server.open_connection(address)
    if keys is None or not encrypted_on_server(connection):
        return connection, None, store
    connection.keys = keys
    return connection, keys, store


def _folder(folder: Path | str) -> Path:
    if not str(folder).strip():
        raise LibraryError(
            _("No library folder was given (an empty name would make a library in the "
              "current folder, {folder}); name the folder.").format(folder=Path.cwd()))
    return Path(folder).expanduser().absolute()


def _open_connection(folder: Path, migrations: Sequence[Migration],
                     keys: LibraryKeys | None) -> tuple[sqlite3.Connection, LibraryKeys | None]:
    """The library's connection, checked and upgraded, and the keys it was opened with."""
    _ensure_writable_folder(folder)
    database = folder / DATABASE_NAME
    if _check_header(database, encrypted=keys is not None):
        keys = None  # still plain: its encryption was cut short
    _check_writable_files(database)
    if not database.exists() or database.stat().st_size == 0:
        _refuse_over_recordings(folder, database)
    connection = _connect(private_file(database), keys)
    keep_private(folder, (database, *(database.with_name(database.name + end)
                                       for end in _WAL_FILES)))
    try:
        from mt_studio.core.library.sqlite_upgrades import migrate

        _check_integrity(connection, database)
        migrate(connection, database, migrations)
    except BaseException:
        connection.close()
        raise
    return connection, keys


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


def _ensure_reachable_store(store: Path) -> None:
    """Refuse a service's audio store that is not there (never made here: a share not
    connected leaves its mount point behind, and recordings must not go onto this computer's
    disk under it) or cannot be written."""
    if not store.is_dir():
        raise LibraryError(_("The library's audio store {folder} cannot be reached: is the "
                             "service's file share connected? A computer that mounts it "
                             "elsewhere names it in $MT_STUDIO_AUDIO_STORE.").format(
            folder=store))
    _ensure_writable_folder(store)


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
        if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY:
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


def _check_header(database: Path, *, encrypted: bool = False) -> bool:
    """Refuse a file that is not SQLite before SQLite is allowed to touch it (an encrypted
    one has no header to see: its key is checked as it opens); whether it is a plain one."""
    if not database.exists():
        return False
    try:
        with database.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise LibraryError(
            _("Cannot read the library database {path}: {reason}").format(
                path=database, reason=error.strerror or error
            )
        ) from error
    if encrypted:
        return header == _SQLITE_HEADER
    if header and header != _SQLITE_HEADER:
        raise LibraryError(
            _("{path} is not an mt_studio library (not an SQLite database); it was left as it is.")
            .format(path=database)
        )
    return bool(header)


def _connect(database: Path, keys: LibraryKeys | None = None) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False,
                                     factory=LibraryConnection)
        _use_keys(connection, keys)
        connection.execute("PRAGMA busy_timeout = 5000")
    except sqlite3.Error as error:
        raise _damaged(database, error) from error
    return connection


def _use_keys(connection: LibraryConnection, keys: LibraryKeys | None) -> None:
    """Key CONNECTION to an encrypted library (before anything else is read through it)."""
    if keys is None:
        return
    # SQLCipher writes its own errors to stderr unless told not to; ours name the file.
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = \"x'{keys.database.hex()}'\"")
    connection.keys = keys


def _check_integrity(connection: sqlite3.Connection, database: Path) -> None:
    try:
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        raise _damaged(database, error) from error
    if problems != ["ok"]:
        raise _damaged(database, problems[0])


def _damaged(database: Path, error: object) -> LibraryError:
    return LibraryError(
        _("The library database {path} cannot be used: {reason}. It was left as it is.").format(
            path=database, reason=error
        )
    )
