"""Encrypting a plain library's database in place with SQLCipher (docs/architecture.md,
"Encrypted at rest")."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from mt_studio.core.durable_files import sync_file, sync_folder
from mt_studio.core.library.database import (
    _WAL_FILES,
    MIGRATIONS,
    Library,
    LibraryKeys,
    _check_integrity,
    _connect,
)
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.library.sqlite_upgrades import migrate, use_wal
from mt_studio.core.private_files import private_file


def encrypt(library: Library, keys: LibraryKeys,
            prepare: Callable[[sqlite3.Connection], None]) -> None:
    """Encrypt the plain LIBRARY's database with KEYS, in place: an encrypted copy is
    made beside it (SQLCipher's export), PREPARE changes the copy in one transaction (the
    chains linked with the chain key), and the copy, made durable, takes the plain one's
    place by one rename. A crash leaves either the plain database as it was or the
    encrypted one, whole. The connection is the encrypted one's from then on."""
    if library.on_server:
        _encrypt_on_server(library, keys, prepare)
        return
    database = library.database_path
    copy = database.with_name(database.name + ".encrypting")
    with library.lock:
        if library.keys is not None:
            return
        db = library.connection
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _remove_with_wal(copy)  # an earlier try cut short: made again
        _export(db, copy, keys)
        sealed = _connect(copy, keys)
        try:
            use_wal(sealed)
            sealed.execute("PRAGMA foreign_keys = ON")
            sealed.execute("PRAGMA secure_delete = ON")
            sealed.execute("PRAGMA synchronous = FULL")
            sealed.execute("BEGIN IMMEDIATE")
            try:
                prepare(sealed)
            except BaseException:
                sealed.execute("ROLLBACK")
                raise
            sealed.execute("COMMIT")
            sealed.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            sealed.close()
        _remove_with_wal(copy, keep_database=True)
        sync_file(copy)
        db.close()
        _remove_with_wal(database, keep_database=True)
        os.replace(copy, database)
        sync_folder(database.parent)
        library.connection = _connect(database, keys)
        try:
            _check_integrity(library.connection, database)
            migrate(library.connection, database, MIGRATIONS)
        except BaseException:
            library.connection.close()
            raise
        library.keys = keys


ENCRYPTED_SETTING = "encrypted"


def _encrypt_on_server(library: Library, keys: LibraryKeys,
                       prepare: Callable[[sqlite3.Connection], None]) -> None:
    """A PostgreSQL library's share of encrypting: the database is the server's to keep, so
    only PREPARE's changes (take keys, the keyed chains) are made, in one transaction that
    also marks the library encrypted."""
    with library.lock:
        if library.keys is not None:
            return
        library.connection.keys = keys  # the chains are linked with its chain key
        try:
            with library.transaction() as db:
                prepare(db)
                db.execute("INSERT INTO service_settings (name, value) VALUES (?, '1')",
                           (ENCRYPTED_SETTING,))
        except BaseException:
            library.connection.keys = None
            raise
        library.keys = keys


def encrypted_on_server(db: sqlite3.Connection) -> bool:
    """Whether the PostgreSQL library on DB has been encrypted (its chains keyed)."""
    return db.execute("SELECT 1 FROM service_settings WHERE name = ?",
                      (ENCRYPTED_SETTING,)).fetchone() is not None


def _remove_with_wal(database: Path, *, keep_database: bool = False) -> None:
    """Remove DATABASE's write-ahead log and shared memory (emptied by a checkpoint), and the
    database too unless KEEP_DATABASE."""
    for end in ("", *_WAL_FILES) if not keep_database else _WAL_FILES:
        database.with_name(database.name + end).unlink(missing_ok=True)


def _export(plain: sqlite3.Connection, copy: Path, keys: LibraryKeys) -> None:
    """Write the plain database open on PLAIN, schema, rows and version, into a new database
    at COPY encrypted with KEYS (SQLCipher's export)."""
    version = plain.execute("PRAGMA user_version").fetchone()[0]
    private_file(copy)
    plain.execute(f"ATTACH DATABASE ? AS sealed KEY \"x'{keys.database.hex()}'\"", (str(copy),))
    try:
        plain.execute("SELECT sqlcipher_export('sealed')")
        plain.execute(f"PRAGMA sealed.user_version = {int(version)}")
    finally:
        plain.execute("DETACH DATABASE sealed")


def encrypt_backups(folder: Path, keys: LibraryKeys) -> int:
    """Encrypt, in place, the copies kept before upgrades (`library.sqlite3.vN-….backup`)
    that are still plain: they hold what the library held. How many were."""
    done = 0
    for backup in sorted(folder.glob("library.sqlite3.v*.backup")):
        with backup.open("rb") as file:
            if file.read(16) != b"SQLite format 3\x00":
                continue  # encrypted already
        copy = backup.with_name(backup.name + ".encrypting")
        copy.unlink(missing_ok=True)
        plain = sqlite3.connect(backup, isolation_level=None)
        try:
            _export(plain, copy, keys)
        finally:
            plain.close()
        sync_file(copy)
        os.replace(copy, backup)
        done += 1
    if done:
        sync_folder(folder)
    return done
