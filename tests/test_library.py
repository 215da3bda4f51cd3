"""Opening, upgrading and protecting the library database."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mt_studio.core.domain import TrackKind
from mt_studio.core.errors import LibraryError
from mt_studio.core.library import Library, deletions, ledger_chain, participants, takes
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.library.migrations import MIGRATIONS
from mt_studio.core.library.sqlite import sqlite3 as library_sqlite

DATA = Path(__file__).parent / "data"
ROOM_SHA256 = "69443bade70e4f131bd8e244129a200532f0ecab64d5b78d62d3caa0c2198f25"  # the v8 story's


def snapshot_versions() -> list[int]:
    """Every schema version a snapshot was kept for (tests/data/library-vN.sql)."""
    return sorted(int(p.stem.removeprefix("library-v")) for p in DATA.glob("library-v*.sql"))


def test_a_new_library_has_the_current_schema_and_safe_settings(tmp_path):
    with Library.open(tmp_path / "lib") as library:
        db = library.connection
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert (tmp_path / "lib" / DATABASE_NAME).is_file()


def test_there_is_a_snapshot_of_every_earlier_schema_version():
    assert snapshot_versions() == list(range(1, len(MIGRATIONS) + 1))


@pytest.mark.parametrize("version", [0, *snapshot_versions()])
def test_upgrading_from_every_earlier_version_keeps_the_data(tmp_path, version):
    folder = tmp_path / "lib"
    folder.mkdir()
    database = folder / DATABASE_NAME
    if version:
        db = sqlite3.connect(database)
        db.executescript((DATA / f"library-v{version}.sql").read_text())
        db.close()
    with Library.open(folder) as library:
        db = library.connection
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        if version:
            # Every snapshot holds the same story: Ola and Kari, a band session, one take.
            assert [p.pseudonym for p in participants.all_participants(db)] == ["Kari", "Ola"]
            assert db.execute("SELECT count(*) FROM consent_events").fetchone()[0] == 3
            assert db.execute("SELECT count(*) FROM tracks").fetchone()[0] == 2
            # Parts kept before V8 have no hash: they stay unchecked, never "changed".
            hashes = [row[0] for row in db.execute("SELECT sha256 FROM track_parts")]
            assert hashes == ([] if version == 1 else [ROOM_SHA256] if version >= 8 else [None])
            # Deletion (V11): nobody erased, nothing left to remove.
            assert db.execute("SELECT count(*) FROM pending_removals").fetchone()[0] == 0
        # From V9 the ledger, the audit log and the exports are chained, rows from before too.
        assert ledger_chain.verify(db) == (None, ledger_chain.heads(db))
        assert len(ledger_chain.library_id(db)) == 32
        if version:
            assert db.execute("SELECT count(*) FROM audit_log WHERE hash IS NULL").fetchone() == (
                0,)
        participants.add(db, "Nils")


def test_a_deleted_takes_ids_are_not_given_again_in_an_upgraded_library(tmp_path):
    db = sqlite3.connect(tmp_path / DATABASE_NAME)
    db.executescript((DATA / "library-v8.sql").read_text())
    db.close()
    with Library.open(tmp_path) as library, library.transaction() as db:
        (take_id,) = takes.ids(db)
        track_ids = [track.id for track in takes.get(db, take_id).tracks]
        session_id = takes.get(db, take_id).session_id
        deletions.delete_takes(db, [take_id])
        again = takes.start(db, session_id, 48000)
        track = takes.add_track(db, again, TrackKind.AUDIO, input=1)
    assert again > take_id and track.id > max(track_ids)


def test_a_pending_migration_runs_once_in_order_and_keeps_a_backup(tmp_path):
    with Library.open(tmp_path) as library:
        participants.add(library.connection, "Ola")
    added = (*MIGRATIONS, "ALTER TABLE participants ADD COLUMN instrument TEXT;"
                          "UPDATE participants SET instrument = 'drums';")
    with Library.open(tmp_path, added) as library:
        assert library.connection.execute("SELECT instrument FROM participants").fetchall() == [
            ("drums",)]
        assert library.connection.execute("PRAGMA user_version").fetchone()[0] == len(added)
    (backup_file,) = tmp_path.glob(f"{DATABASE_NAME}.v{len(MIGRATIONS)}-*.backup")
    backup = sqlite3.connect(backup_file)
    assert backup.execute("SELECT pseudonym FROM participants").fetchall() == [("Ola",)]
    with Library.open(tmp_path, added) as library:  # nothing left to run
        assert library.connection.execute("SELECT count(*) FROM participants").fetchone()[0] == 1


def test_a_failing_migration_leaves_the_library_as_it_was(tmp_path):
    with Library.open(tmp_path) as library:
        participants.add(library.connection, "Ola")
    broken = (*MIGRATIONS, "ALTER TABLE participants ADD COLUMN x TEXT; THIS IS NOT SQL;")
    with pytest.raises(LibraryError, match=DATABASE_NAME):
        Library.open(tmp_path, broken)
    with Library.open(tmp_path) as library:
        columns = [row[1] for row in library.connection.execute("PRAGMA table_info(participants)")]
        assert "x" not in columns
        assert library.connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_database_from_a_newer_version_is_refused_and_untouched(tmp_path):
    database = tmp_path / DATABASE_NAME
    db = sqlite3.connect(database)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    before = database.read_bytes()
    with pytest.raises(LibraryError, match="newer mt_studio") as raised:
        Library.open(tmp_path)
    assert str(database) in str(raised.value)
    assert database.read_bytes() == before
    assert not (tmp_path / f"{DATABASE_NAME}-wal").exists()


@pytest.mark.parametrize("content", [
    b"this is a text file, not a database\n" * 10,
    b"SQLite format 3\x00" + b"\xff" * 4000,
])
def test_a_file_that_is_not_a_usable_database_is_named_and_left_alone(tmp_path, content):
    database = tmp_path / DATABASE_NAME
    database.write_bytes(content)
    with pytest.raises(LibraryError) as raised:
        Library.open(tmp_path)
    assert str(database) in str(raised.value)
    assert database.read_bytes() == content


def test_an_sqlite_file_of_another_program_is_refused_byte_for_byte_unchanged(tmp_path):
    database = tmp_path / DATABASE_NAME
    db = sqlite3.connect(database)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.execute("INSERT INTO recipes VALUES ('lapskaus')")
    db.commit()
    db.close()
    before = database.read_bytes()
    with pytest.raises(LibraryError, match="another program") as raised:
        Library.open(tmp_path)
    assert str(database) in str(raised.value)
    assert database.read_bytes() == before
    assert not (tmp_path / f"{DATABASE_NAME}-wal").exists()


def test_several_programs_opening_a_new_library_at_once_all_succeed(tmp_path):
    code = ("import sys; from mt_studio.core.library import Library; "
            "Library.open(sys.argv[1]).close()")
    for attempt in range(6):
        folder = tmp_path / f"lib{attempt}"
        children = [subprocess.Popen([sys.executable, "-c", code, str(folder)],
                                     stderr=subprocess.PIPE, text=True) for _ in range(4)]
        results = [(child.wait(timeout=60), child.stderr.read()) for child in children]
        for child in children:
            child.stderr.close()
        assert results == [(0, "")] * 4
        with Library.open(folder) as library:
            assert library.connection.execute("PRAGMA user_version").fetchone()[0] == len(
                MIGRATIONS)


def test_a_damaged_page_is_found_by_the_check_on_open(tmp_path):
    with Library.open(tmp_path) as library:
        for n in range(400):
            participants.add(library.connection, f"Person {n}")
        library.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database = tmp_path / DATABASE_NAME
    data = bytearray(database.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for offset in range(2 * page_size + 8, 3 * page_size, 7):  # scribble over a b-tree page
        data[offset] = 0x5A
    database.write_bytes(bytes(data))
    with pytest.raises(LibraryError, match="cannot be used") as raised:
        Library.open(tmp_path)
    assert str(database) in str(raised.value)
    assert database.read_bytes() == bytes(data)


def test_a_library_folder_that_cannot_be_created_is_named(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(LibraryError, match="Cannot create the library folder") as raised:
        Library.open(blocker / "library")
    assert str(blocker / "library") in str(raised.value)
    assert blocker.read_text() == "a file where the folder should be"


@pytest.mark.parametrize("table", ["consent_events", "audit_log"])
def test_the_ledger_and_the_audit_log_refuse_updates_and_deletes(library, table):
    participant = participants.add(library.connection, "Ola")
    library.connection.execute(
        "INSERT INTO consent_events (participant_id, purpose, action, at)"
        " VALUES (?, 'record', 'grant', '2026-11-01T00:00:00+00:00')", (participant.id,))
    first = library.connection.execute(f"SELECT * FROM {table} WHERE id = 1").fetchone()
    replace = (f"INSERT INTO {table} SELECT * FROM {table} WHERE id = 1"
               " ON CONFLICT (id) DO UPDATE SET at = excluded.at") if library.on_server else (
        f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE id = 1")
    with pytest.raises(library_sqlite.IntegrityError, match="append-only"):
        library.connection.execute(replace)
    assert library.connection.execute(f"SELECT * FROM {table} WHERE id = 1").fetchone() == first
    with pytest.raises(library_sqlite.IntegrityError, match="append-only"):
        library.connection.execute(f"UPDATE {table} SET id = id")
    with pytest.raises(library_sqlite.IntegrityError, match="append-only"):
        library.connection.execute(f"DELETE FROM {table}")
    assert library.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= 1


def test_a_transaction_is_all_or_nothing(library):
    with pytest.raises(RuntimeError), library.transaction() as db:
        participants.add(db, "Ola")
        raise RuntimeError("something failed half-way")
    assert participants.all_participants(library.connection) == []
    assert library.connection.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_a_version_5_library_gains_set_ups_take_names_and_listening_left_empty(tmp_path):
    """Migration 6: sessions keep their inputs, nobody plays them yet, no keyboard; takes are
    called by their number; nothing is kept of how they were listened to."""
    from mt_studio.core.library import listening, sessions, takes

    folder = tmp_path / "lib"
    folder.mkdir()
    db = sqlite3.connect(folder / DATABASE_NAME)
    db.executescript((DATA / "library-v5.sql").read_text())
    db.close()
    with Library.open(folder) as library:
        db = library.connection
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        (session,) = sessions.all_sessions(db)
        assert [(i.number, i.label, i.isolated, i.players) for i in session.inputs] == [
            (1, "Vocal mic", False, ()), (2, "Bass DI", True, ())]
        assert (session.midi_port, session.midi_players) == (None, ())
        (take,) = takes.for_session(db, session.id)
        assert (take.name, take.note, take.is_loop) == (None, "", False)
        assert listening.of_take(db, take.id) is None
        kari = participants.find(db, "Kari")
        with library.transaction() as tx:
            sessions.keep_setup(tx, session.id, [sessions.SessionInput(2, "Bass DI", True,
                                                                       players=(kari.id,))])
            takes.describe(tx, take.id, "Groove", "")
        assert sessions.get(db, session.id).inputs[1].players == (kari.id,)
    assert list(folder.glob(f"{DATABASE_NAME}.v5-*.backup"))


@pytest.mark.parametrize("database", ["missing", "empty file", "empty sqlite"])
def test_a_missing_or_empty_database_beside_recordings_is_refused(tmp_path, database, cli):
    """A new library there would number its takes from 1 again, over the old takes' files."""
    folder = tmp_path / "old-library"
    old_take = folder / "audio" / "take-1" / "track-1.wav"
    old_take.parent.mkdir(parents=True)
    old_take.write_bytes(b"RIFF an old take")
    if database == "empty file":
        (folder / DATABASE_NAME).touch()
    elif database == "empty sqlite":
        sqlite3.connect(folder / DATABASE_NAME).execute("VACUUM").connection.close()
    before = sorted((p.relative_to(folder), p.read_bytes() if p.is_file() else None)
                    for p in folder.rglob("*"))
    with pytest.raises(LibraryError) as refused:
        Library.open(folder)
    assert str(folder) in str(refused.value) and "recordings" in str(refused.value)
    result = cli("--library", folder, "participant", "list")
    assert result.code == 1 and str(folder) in result.err and "Nothing was changed" in result.err
    assert sorted((p.relative_to(folder), p.read_bytes() if p.is_file() else None)
                  for p in folder.rglob("*")) == before


def test_an_empty_audio_folder_does_not_stop_a_new_library(tmp_path):
    (tmp_path / "fresh" / "audio").mkdir(parents=True)
    with Library.open(tmp_path / "fresh") as library:
        assert participants.all_participants(library.connection) == []


def test_an_empty_library_name_is_refused_not_taken_as_the_current_folder(
        tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LibraryError, match=str(tmp_path)):
        Library.open("")
    result = cli("--library", "", "participant", "list")
    assert result.code == 1 and "No library folder was given" in result.err
    assert str(tmp_path) in result.err
    assert list(tmp_path.iterdir()) == []
