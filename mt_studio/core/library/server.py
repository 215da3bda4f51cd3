"""Making and opening a library on a PostgreSQL server: its schema made once (`library init`),
checked and upgraded at every opening, and the audio store it names (docs/architecture.md,
"One library for the service")."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from mt_studio.core.errors import LibraryError
from mt_studio.core.library import schema_postgresql
from mt_studio.core.library.clock import to_text, utc_now
from mt_studio.core.library.postgres import ServerConnection, shown_address
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.i18n import _

AUDIO_STORE_SETTING = "audio_store"
AUDIO_STORE_ENV = "MT_STUDIO_AUDIO_STORE"


def latest_version() -> int:
    """The schema version this mt_studio writes."""
    return schema_postgresql.FIRST_VERSION + len(schema_postgresql.MIGRATIONS)


def create(address: str, audio_store: Path) -> None:
    """Make a new library in the empty database at ADDRESS, its recordings kept in the folder
    AUDIO_STORE (the service's file share); LibraryError naming the database when it already
    holds a library or anything else, or cannot be reached."""
    audio_store = Path(audio_store).expanduser().absolute()
    connection = ServerConnection.connect(address)
    try:
        connection.begin_write()
        try:
            if _version(connection) is not None:
                raise LibraryError(_("{address} already holds an mt_studio library; nothing "
                                     "was changed.").format(address=shown_address(address)))
            _refuse_other_tables(connection, address)
            _create_schema(connection, audio_store)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        connection.close()


def open_connection(address: str) -> tuple[ServerConnection, Path]:
    """The library's connection at ADDRESS, checked and upgraded, and its audio store."""
    connection = ServerConnection.connect(address)
    try:
        _migrate(connection, address)
        store = audio_store(connection)
    except sqlite3.Error as error:
        connection.close()
        raise LibraryError(_("The library's database {address} cannot be used: {reason}. It was "
                             "left as it is.").format(address=shown_address(address),
                                                      reason=error)) from error
    except BaseException:
        connection.close()
        raise
    return connection, store


def audio_store(connection: ServerConnection) -> Path:
    """Where the library's recordings are kept: $MT_STUDIO_AUDIO_STORE on this computer (the
    share mounted elsewhere), else the folder named when the library was made."""
    chosen = os.environ.get(AUDIO_STORE_ENV)
    if chosen:
        return Path(chosen).expanduser().absolute()
    row = connection.execute("SELECT value FROM service_settings WHERE name = ?",
                             (AUDIO_STORE_SETTING,)).fetchone()
    return Path(row[0])


def _version(connection: ServerConnection) -> int | None:
    """The library's schema version, or None in a database without one."""
    exists = connection.execute("SELECT to_regclass('public.library_version') IS NOT NULL"
                                ).fetchone()[0]
    if not exists:
        return None
    return connection.execute("SELECT version FROM library_version").fetchone()[0]


def _refuse_other_tables(connection: ServerConnection, address: str) -> None:
    tables = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                                ).fetchone()[0]
    if tables:
        raise LibraryError(_("{address} holds tables of another program, not an mt_studio "
                             "library; it was left as it is. Give mt_studio a database of "
                             "its own.").format(address=shown_address(address)))


def _create_schema(connection: ServerConnection, audio_store: Path) -> None:
    from mt_studio.core.library import ledger_chain

    connection.execute(schema_postgresql.REFUSE_CHANGE)
    for statement in _statements(schema_postgresql.V13_SCHEMA):
        connection.execute(statement)
    for sql in ledger_chain.expected_triggers(connection).values():
        connection.execute(sql)
    connection.execute(schema_postgresql.VERSION_TABLE)
    connection.execute("INSERT INTO library_version (version) VALUES (?)",
                       (schema_postgresql.FIRST_VERSION,))
    connection.execute("INSERT INTO library_identity (id) VALUES (?)", (secrets.token_hex(16),))
    connection.execute("INSERT INTO service_settings (name, value) VALUES (?, ?)",
                       (AUDIO_STORE_SETTING, str(audio_store)))
    connection.execute("INSERT INTO service_settings (name, value) VALUES (?, ?)",
                       ("created_at", to_text(utc_now())))
    for number, migration in enumerate(schema_postgresql.MIGRATIONS):
        _apply_in_transaction(connection, migration, schema_postgresql.FIRST_VERSION + number + 1)


def _migrate(connection: ServerConnection, address: str) -> None:
    version = _version(connection)
    if version is None:
        raise LibraryError(_(
            "{address} holds no mt_studio library yet. Make one with: mt-studio library init "
            "{address} --audio-store FOLDER").format(address=shown_address(address)))
    if version > latest_version():
        raise LibraryError(_(
            "{path} was written by a newer mt_studio (library version {found}; this one "
            "reads up to {known}). Update mt_studio; the library was not changed."
        ).format(path=shown_address(address), found=version, known=latest_version()))
    for number in range(version, latest_version()):
        connection.begin_write()
        try:
            if _version(connection) > number:  # another computer upgraded it meanwhile
                connection.execute("ROLLBACK")
                continue
            _apply_in_transaction(
                connection, schema_postgresql.MIGRATIONS[number - schema_postgresql.FIRST_VERSION],
                number + 1)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def _apply_in_transaction(connection: ServerConnection, migration: schema_postgresql.Migration,
                          version: int) -> None:
    if callable(migration):
        migration(connection)
    else:
        for statement in _statements(migration):
            connection.execute(statement)
    connection.execute("UPDATE library_version SET version = ?", (version,))


def _statements(script: str) -> list[str]:
    """The statements of a schema script (no statement in it has a ; inside)."""
    statements = []
    for piece in script.split(";"):
        code = "\n".join(line.split("--", 1)[0] for line in piece.splitlines()).strip()
        if code:
            statements.append(code)
    return statements
