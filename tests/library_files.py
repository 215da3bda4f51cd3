"""Reaching into a library as someone at the shell would: the database through SQLCipher's
SQLite, keyed with the library key an account's passphrase unwraps when it is encrypted."""

from __future__ import annotations

from pathlib import Path

from mt_studio.core.library.address import is_server_address
from mt_studio.core.library.database import DATABASE_NAME, LibraryConnection
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.sealing.key_file import KeyFile
from mt_studio.core.studio.encryption import key_file_path, library_keys


def connect(folder: Path | str, name: str | None = None, passphrase: str | None = None):
    """A connection of its own to the database of the library in FOLDER (keyed with what
    NAME's PASSPHRASE unwraps, for an encrypted one), or at a PostgreSQL server's address."""
    if is_server_address(folder):
        from mt_studio.core.library.postgres import ServerConnection

        return ServerConnection.connect(str(folder))
    connection = sqlite3.connect(Path(folder) / DATABASE_NAME, factory=LibraryConnection)
    if key_file_path(folder).exists():
        library_key, _entry = KeyFile.load(key_file_path(folder)).unlock(name, passphrase)
        connection.execute(f"PRAGMA key = \"x'{library_keys(library_key).database.hex()}'\"")
    return connection


def run_sql(folder: Path, script: str, name: str | None = None,
            passphrase: str | None = None) -> None:
    """Run SCRIPT on the database of the library in FOLDER as the sqlite3 shell would (an
    encrypted one opened, as by an insider, with NAME's PASSPHRASE)."""
    connection = connect(folder, name, passphrase)
    try:
        connection.executescript(script)
    finally:
        connection.close()
