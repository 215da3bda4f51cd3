"""The library on a PostgreSQL server (psycopg 3), for a service whose therapists share one
library: a connection that runs the library's SQL as the SQLite one does (docs/architecture.md,
"One library for the service").

The library's modules write one SQL for both: `?` placeholders, TEXT times, 0/1 flags, and
RETURNING for a new row's id. This connection turns the placeholders into psycopg's, sends
Python's True and False as 1 and 0, reads PostgreSQL's NUMERIC sums back as int or float, and
raises the same DB-API errors the SQLite connection raises (`sqlite.py`'s classes), so the code
above catches one family. The connection's password is never in the address: libpq finds it in
~/.pgpass, $PGPASSWORD or a service file.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import adapt
from psycopg.conninfo import make_conninfo

from mt_studio.core.errors import ServerUnreachable
from mt_studio.core.library.address import check_address, shown_address
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.i18n import _

# Every write to the library takes this lock for its transaction, as SQLite's BEGIN IMMEDIATE
# takes the database's: one writer at a time, so the ledger's chains never fork.
WRITE_LOCK = 0x6D74_5F73_7475  # "mt_stu"
CHANGES_CHANNEL = "mt_studio_changes"
# A server gone without a word (a cable pulled, a laptop's network lost) is found within
# about ten seconds, not the system's two hours: a read never hangs the studio that long.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
              "keepalives_count": 3, "tcp_user_timeout": 10_000}


class _IntegerFlag(adapt.Dumper):
    """Python's True and False as the library's 0/1 flags, which are integers in both."""

    oid = psycopg.adapters.types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _Number(adapt.Loader):
    """NUMERIC (what PostgreSQL's sum and avg give) as int or float, as SQLite gives them."""

    def load(self, data: Any) -> int | float:
        text = bytes(data)
        return float(text) if b"." in text or b"e" in text.lower() else int(text)


class ServerConnection:
    """A connection to the library's PostgreSQL database, used as the SQLite one is."""

    dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection, address: str, read_only: bool = False) -> None:
        self.raw = raw
        self.address = address
        self.read_only = read_only
        self.keys = None  # an encrypted library's keys, as LibraryConnection.keys
        self._in_transaction = False

    @classmethod
    def connect(cls, address: str, *, read_only: bool = False) -> ServerConnection:
        """A new connection to ADDRESS (LibraryError naming the server when it cannot)."""
        check_address(address)
        return cls(_raw_connection(address, read_only), address, read_only)

    @property
    def chain_key(self) -> bytes | None:
        """The key the ledger's chains are linked with (None: a plain library)."""
        return None if self.keys is None else self.keys.chain

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor:
        """Run one statement of the library's SQL; its cursor. A connection lost to the
        server is LibraryError naming it; the next statement outside a transaction connects
        again (a window goes on once the server is back)."""
        if self.raw.closed and not self._in_transaction:
            self.raw = _raw_connection(self.address, self.read_only)
        try:
            if params is None:
                cursor = self.raw.execute(sql)
            elif isinstance(params, Mapping):
                cursor = self.raw.execute(_named_placeholders(sql), params)
            else:
                cursor = self.raw.execute(_placeholders(sql), tuple(params))
        except psycopg.Error as error:
            if self.raw.closed:
                self._in_transaction = False  # it went with the connection
                raise unreachable(self.address, error) from error
            raise as_dbapi_error(error) from error
        if sql.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self._in_transaction = sql.startswith("BEGIN")
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> psycopg.Cursor:
        """Run one statement once for each of ROWS."""
        cursor = self.raw.cursor()
        try:
            cursor.executemany(_placeholders(sql), [tuple(row) for row in rows])
        except psycopg.Error as error:
            raise as_dbapi_error(error) from error
        return cursor

    def begin_write(self) -> None:
        """Begin a transaction that changes the library: writers take turns."""
        self.execute("BEGIN")
        self.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))

    def begin_read(self) -> None:
        """Begin a transaction that sees the library as committed when it began."""
        self.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def notify_changed(self, notices: Sequence[str]) -> None:
        """Tell every listener to this library NOTICES (each under 8000 bytes), at this
        transaction's commit (never for one rolled back)."""
        for notice in notices:
            self.execute("SELECT pg_notify(?, ?)", (CHANGES_CHANNEL, notice))

    def iterdump(self) -> Iterator[str]:
        """Every row of every table, as text, in an order of their own: to compare a library
        before and after (it is copied with `library copy`, not from this)."""
        tables = [row[0] for row in self.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in tables:
            rows = self.execute(f'SELECT * FROM "{table}"').fetchall()
            for row in sorted(map(repr, rows)):
                yield f"{table} {row}"

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back)."""
        self.raw.close()

    @property
    def closed(self) -> bool:
        return self.raw.closed


class ChangeListener:
    """A connection of its own that LISTENs for the library's notices, in a thread: HEARD gets
    each one's text; REACH gets False when the server is lost (then it tries again every
    RETRY_SECONDS) and True when it is back."""

    RETRY_SECONDS = 2.0

    def __init__(self, address: str, heard: Callable[[str], None],
                 reach: Callable[[bool], None], *, lost: bool = False) -> None:
        self._address = address
        self._heard = heard
        self._reach = reach
        self._lost_at_start = lost  # then REACH gets True at the first connection too
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="library notices", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop listening (within half a second)."""
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        lost = self._lost_at_start
        while not self._stopping.is_set():
            try:
                with psycopg.connect(make_conninfo(
                        self._address, application_name="mt-studio notices",
                        connect_timeout=5, **KEEPALIVES), autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANGES_CHANNEL}")
                    if lost:
                        lost = False
                        self._reach(True)
                    while not self._stopping.is_set():
                        for notice in connection.notifies(timeout=0.5):
                            self._heard(notice.payload)
            except psycopg.Error:
                if not lost:
                    lost = True
                    self._reach(False)
                self._stopping.wait(self.RETRY_SECONDS)


def _raw_connection(address: str, read_only: bool) -> psycopg.Connection:
    """psycopg's connection to ADDRESS, reading and writing the library's values as SQLite's
    connection does."""
    try:
        raw = psycopg.connect(make_conninfo(address, application_name="mt-studio",
                                            connect_timeout=10, **KEEPALIVES), autocommit=True)
    except psycopg.Error as error:
        raise unreachable(address, error) from error
    raw.adapters.register_dumper(bool, _IntegerFlag)
    raw.adapters.register_loader("numeric", _Number)
    if read_only:
        raw.execute("SET default_transaction_read_only = on")
    return raw


def as_dbapi_error(error: psycopg.Error) -> sqlite3.Error:
    """PostgreSQL's ERROR as the DB-API error the SQLite connection raises for the same kind
    of failure (a trigger's refusal counts as an integrity error there too)."""
    message = _first_line(error)
    if isinstance(error, psycopg.errors.RaiseException | psycopg.IntegrityError):
        return sqlite3.IntegrityError(message)
    if isinstance(error, psycopg.OperationalError):
        return sqlite3.OperationalError(message)
    if isinstance(error, psycopg.ProgrammingError):
        return sqlite3.OperationalError(message)
    if isinstance(error, psycopg.DataError):
        return sqlite3.DataError(message)
    return sqlite3.DatabaseError(message)


def unreachable(address: str, error: BaseException) -> ServerUnreachable:
    """The error for a server that cannot be reached or refuses the connection."""
    return ServerUnreachable(_("Cannot reach the library's database {address}: {reason}").format(
        address=shown_address(address), reason=_first_line(error)))


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


_NAMED_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|:[A-Za-z_]\w*|%")


@lru_cache(maxsize=256)
def _named_placeholders(sql: str) -> str:
    """SQL with `:name` placeholders as psycopg's `%(name)s`, outside quotes."""
    return _NAMED_TOKENS.sub(lambda m: f"%({m.group()[1:]})s" if m.group().startswith(":")
                             else m.group().replace("%", "%%"), sql)


_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?|%")


@lru_cache(maxsize=1024)
def _placeholders(sql: str) -> str:
    """SQL with `?` placeholders (outside quotes) as psycopg's `%s`, and every % doubled."""
    return _TOKENS.sub(lambda m: "%s" if m.group() == "?" else m.group().replace("%", "%%"), sql)
