"""`mt-studio library copy`: a therapist's library moved to the service's PostgreSQL server and
back, every row with its ids, the ledger's chains and heads, every file checked; resumable
after a kill; a target that is not new, a ledger in doubt or a damaged recording refused with
nothing changed; an encrypted library copied and opened with the same account."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from conftest import run_command

from mt_studio.core.capture.part_check import samples_hash
from mt_studio.core.capture.wav_stream import SampleFormat
from mt_studio.core.domain import Purpose
from mt_studio.core.domain.accounts import Role
from mt_studio.core.domain.groups import GroupKind
from mt_studio.core.export import ExportRequest
from mt_studio.core.library import Library, ledger_chain
from mt_studio.core.library.address import is_server_address
from mt_studio.core.sealing.key_file import KeyFile
from mt_studio.core.sealing.stream import is_sealed
from mt_studio.core.studio import Studio, library_copy
from mt_studio.core.studio.encryption import library_keys
from mt_studio.core.studio.library_copy import MARKER_NAME, copy_library, open_source
from mt_studio.core.waveform import TrackReader

pytestmark = pytest.mark.usefixtures("postgres_server")

ADMIN, ADMIN_PASS = "Therese", "a song for every morning"
THERAPIST, THERAPIST_PASS = "Tor", "the bass line holds us"
PLACE_SETTINGS = {"audio_store", "created_at", "encrypted"}


# -- what is compared ------------------------------------------------------------------------

def rows_of(db) -> dict[str, list[str]]:
    """Every row of every table, each as its columns by name, sorted: what the library holds
    whichever database it is on (its own place settings and schema version aside)."""
    if getattr(db, "dialect", "sqlite") == "postgresql":
        names = [r[0] for r in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
    else:
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    found = {}
    for table in sorted(set(names) - {"library_version"}):
        cursor = db.execute(f'SELECT * FROM "{table}"')
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        if table == "service_settings":
            rows = [row for row in rows if row["name"] not in PLACE_SETTINGS]
        found[table] = sorted(repr(sorted(row.items())) for row in rows)
    return found


def audit_rows(db) -> list[tuple]:
    return [tuple(row) for row in db.execute(
        "SELECT id, at, action, subject, participant_id, details, actor_id, for_participant,"
        " hash FROM audit_log ORDER BY id")]


def details_of(studio: Studio, action: str) -> dict:
    (details,) = studio._library.connection.execute(
        "SELECT details FROM audit_log WHERE action = ?", (action,)).fetchone()
    return json.loads(details)


def audit_actions(db) -> list[str]:
    return [row[0] for row in db.execute("SELECT action FROM audit_log ORDER BY id")]


def library_files(folder: Path) -> dict[str, bytes]:
    """Every file of the library's recordings and its key file, by name."""
    found = {p.relative_to(folder).as_posix(): p.read_bytes()
             for p in (folder / "audio").rglob("*") if p.is_file()}
    if (folder / "library.keys").exists():
        found["library.keys"] = (folder / "library.keys").read_bytes()
    return found


def every_take(studio: Studio) -> dict[tuple[int, int], np.ndarray]:
    """Every audio track of every take, as the player reads it."""
    found = {}
    for session in studio.sessions.all():
        for take in studio.sessions.takes(session.id):
            sound = studio.listening.sound(take.id)
            for track in sound.tracks:
                if not track.is_midi:
                    with TrackReader(track.files) as reader:
                        found[take.id, track.id] = reader.read(sound.take.frames).copy()
    return found


def assert_copied(source: Studio, target: Studio) -> None:
    """TARGET holds SOURCE (`assert_same_library`), every take sounding the same."""
    assert_same_library(source._library, target._library)
    sound = every_take(source)
    assert sound and every_take(target).keys() == sound.keys()
    for key, samples in every_take(target).items():
        assert np.array_equal(samples, sound[key]), key


def assert_same_library(source: Library, target: Library) -> None:
    """TARGET holds SOURCE: every row, the audit log plus the copy's own row, chains checked
    holding the source's heads, every file byte for byte, the marker gone."""
    src_db, dst_db = source.connection, target.connection
    before, after = rows_of(src_db), rows_of(dst_db)
    assert {**after, "audit_log": None} == {**before, "audit_log": None}
    assert audit_rows(dst_db)[:-1] == audit_rows(src_db)
    assert audit_actions(dst_db) == [*audit_actions(src_db), "library.copied_in"]
    assert audit_actions(src_db)[-1] == "library.copied"
    finding, _heads = ledger_chain.verify(dst_db, ledger_chain.heads(src_db))
    assert finding is None
    assert ledger_chain.library_id(dst_db) == ledger_chain.library_id(src_db)
    assert library_files(target.folder) == library_files(source.folder)
    assert not (target.folder / MARKER_NAME).exists()


# -- the libraries copied --------------------------------------------------------------------

def keep_part_hashes(studio: Studio) -> None:
    """Give the demo takes' parts the checksums a recorded take's parts are kept with (the
    demo session writes none), so that the copy checks them."""
    with studio._transaction() as tx:
        for track_id, number, file, rate, sample_format in tx.execute(
                "SELECT p.track_id, p.number, p.file, k.samplerate, k.sample_format"
                " FROM track_parts p JOIN tracks t ON t.id = p.track_id"
                " JOIN takes k ON k.id = t.take_id").fetchall():
            found = samples_hash(studio.folder / file, rate, SampleFormat(sample_format))
            tx.execute("UPDATE track_parts SET sha256 = ? WHERE track_id = ? AND number = ?",
                       (found, track_id, number))

@pytest.fixture(scope="module")
def plain_template(tmp_path_factory):
    """A therapist's library with some history: three demo sessions, one take deleted (its
    ids retired), a marker, a song, an export, a withdrawal and a band."""
    base = tmp_path_factory.mktemp("plain")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MT_STUDIO_STATE_DIR", str(base / "state"))
        with Studio.open(base / "library") as studio:
            sessions = [studio.sessions.create_demo() for _ in range(3)]
            first, second, _third = (studio.sessions.takes(s)[0].id for s in sessions)
            people = studio.consent.participants()
            studio.listening.add_marker(second, 4800, "chorus")
            song = studio.songs.create("Morgensang", [people[0].id], lyrics="la la\nla")
            studio.songs.link_take(song.id, second)
            studio.sharing.export(ExportRequest(second, Purpose.GROUP, base / "export"))
            studio.consent.withdraw(people[1].id, [Purpose.GROUP], reason="a break")
            studio.groups.add("Tirsdagsbandet", GroupKind.BAND, [p.id for p in people],
                              on=date(2026, 1, 6))
            studio.deletion.delete_take(first, reason="keep withdrawn")
            keep_part_hashes(studio)
    return base / "library"


@pytest.fixture
def plain(plain_template, tmp_path) -> Path:
    folder = tmp_path / "laptop"
    shutil.copytree(plain_template, folder)
    return folder


@pytest.fixture
def new_database(postgres_server, tmp_path):
    """`library init` of a new database, its audio store in the test's folder; its address."""
    def made(name: str = "store") -> str:
        address = postgres_server.new_database()
        Library.create_on_server(address, tmp_path / name)
        return address
    return made


# -- copying ---------------------------------------------------------------------------------

def test_a_folder_copied_to_postgresql_and_back_is_the_same_library(plain, new_database,
                                                                    tmp_path, cli):
    address = new_database()
    done = cli("library", "copy", plain, address)
    assert done.code == 0, done.err
    assert "Copying files: 1 of " in done.err and "the ledger checked" in done.out
    with Studio.open(plain) as source, Studio.open(address) as server:
        # the library moved: here, the laptop's is a copy from before, the server's is it
        assert source.read_only is not None and source.read_only.kind == "older"
        assert server.read_only is None and server._library.on_server
        assert_copied(source, server)
        assert details_of(source, "library.copied") == {"target": address}
        assert details_of(server, "library.copied_in") == {"source": str(plain)}
    back = tmp_path / "back-on-a-laptop"
    done = cli("library", "copy", address, back, "--json")
    assert done.code == 0, done.err
    report = done.json()
    assert report["target"] == str(back) and report["rows"]["takes"] == 2
    with Studio.open(address) as server, Studio.open(back) as laptop:
        head = ledger_chain.heads(server._library.connection)["audit_log"]
        assert report["heads"]["audit_log"] == {"rows": head.rows, "hash": head.hash}
        assert_copied(server, laptop)


def test_new_rows_after_a_copy_to_postgresql_never_take_a_copied_id(plain, new_database, cli):
    address = new_database()
    assert cli("library", "copy", plain, address).code == 0
    with Studio.open(plain) as source:
        highest = {table: source._library.connection.execute(
            f"SELECT max(id) FROM {table}").fetchone()[0] for table in ("participants",
                                                                       "sessions", "markers")}
        take_id = source.sessions.takes(source.sessions.all()[0].id)[0].id
    with Studio.open(address) as server:
        assert server.consent.add_participant("Nykommer").id == highest["participants"] + 1
        assert server.sessions.create_demo() == highest["sessions"] + 1
        server.listening.add_marker(take_id, 96000, "bridge")
        assert server._library.connection.execute(
            "SELECT min(id) FROM markers WHERE name = 'bridge'").fetchone()[0] > highest["markers"]
        assert ledger_chain.verify(server._library.connection)[0] is None


def test_a_copy_cut_short_after_the_target_committed_is_finished_by_the_next_run(
        plain, new_database, monkeypatch):
    address = new_database()
    copy_into = library_copy._copy_into

    def cut_short(*args, **kwargs):
        copy_into(*args, **kwargs)
        raise KeyboardInterrupt  # the power goes between the target's commit and the source's

    monkeypatch.setattr(library_copy, "_copy_into", cut_short)
    with open_source(plain) as studio, pytest.raises(KeyboardInterrupt):
        copy_library(studio, address)
    monkeypatch.setattr(library_copy, "_copy_into", copy_into)
    with open_source(plain) as studio:
        assert audit_actions(studio._library.connection)[-1] != "library.copied"
        report = copy_library(studio, address)
    assert report.finished_earlier
    with Studio.open(plain) as source, Studio.open(address) as server:
        # the source got the very row the target holds, hash and all
        assert audit_rows(source._library.connection)[-1] == next(
            row for row in audit_rows(server._library.connection) if row[2] == "library.copied")
        assert_copied(source, server)


def test_a_take_deleted_between_two_runs_leaves_no_file_in_the_copy(plain, tmp_path):
    target = tmp_path / "copy"

    def stop_before_the_end(what: str, done: int, total: int) -> None:
        if what == "files" and done == total - 2:
            raise KeyboardInterrupt

    with open_source(plain) as studio, pytest.raises(KeyboardInterrupt):
        copy_library(studio, target, stop_before_the_end)
    assert (target / MARKER_NAME).exists() and (target / "audio" / "take-2").is_dir()
    with Studio.open(plain) as studio:
        studio.deletion.delete_take(2, reason="consent to keep withdrawn")
    with open_source(plain) as studio:
        report = copy_library(studio, target)
    assert report.files_already_there > 0
    assert not (target / "audio" / "take-2").exists()
    with Studio.open(plain) as source, Studio.open(target) as copied:
        assert_copied(source, copied)


def test_a_copy_killed_at_random_moments_and_run_again_ends_whole(
        plain_template, new_database, tmp_path, monkeypatch):
    """Killed (SIGKILL) at a random point of its progress, as it tells it on stderr (the
    moment falls wherever the child has got to by then), the copy leaves all the rows or none,
    and the next run ends with the whole library."""
    script = Path(sys.executable).with_name("mt-studio")

    def start(source: Path, address: str, state: Path) -> subprocess.Popen:
        return subprocess.Popen([str(script), "library", "copy", str(source), address],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env={**os.environ, "MT_STUDIO_STATE_DIR": str(state)})

    def read_progress(child: subprocess.Popen, lines: int) -> None:
        for _line in range(lines):
            while b"Copying" not in child.stderr.readline():
                pass

    whole = tmp_path / "whole"
    shutil.copytree(plain_template, whole)
    child = start(whole, new_database("store-whole"), tmp_path / "state-whole")
    told = [line for line in child.stderr.read().splitlines() if b"Copying" in line]
    assert child.wait(timeout=120) == 0 and len(told) > 3, told
    # how long the rows take, from the last line told to the end
    child = start(shutil.copytree(plain_template, tmp_path / "timed"),
                  new_database("store-timed"), tmp_path / "state-timed")
    read_progress(child, len(told))
    told_all = time.monotonic()
    assert child.wait(timeout=120) == 0
    rows_time = time.monotonic() - told_all
    all_files = len(library_files(plain_template))
    rng = random.Random(20)
    states = set()
    for round_number in range(10):
        source, state = tmp_path / f"laptop-{round_number}", tmp_path / f"state-{round_number}"
        shutil.copytree(plain_template, source)
        address = new_database(f"store-{round_number}")
        child = start(source, address, state)
        lines = (0, len(told))[round_number] if round_number < 2 else rng.randrange(
            len(told) + 1)
        read_progress(child, lines)
        if lines == len(told):  # in the rows' transaction, or after: a moment to kill at
            time.sleep(rng.uniform(0, rows_time))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        with Library.open(address) as server:  # all the rows or none
            rows = rows_of(server.connection)
            committed = bool(rows["takes"])
            assert rows["participants"] == [] or len(rows["takes"]) == 2
            files = sum(1 for path in (server.folder / "audio").rglob("*") if path.is_file())
            states.add((committed, "none" if not files else "all" if files == all_files
                        else "some"))
        monkeypatch.setenv("MT_STUDIO_STATE_DIR", str(state))
        again = run_command("library", "copy", str(source), address)
        assert again.returncode == 0, (round_number, again.stderr)
        with Studio.open(source) as laptop, Studio.open(address) as server:
            assert_copied(laptop, server)
            assert audit_actions(laptop._library.connection).count("library.copied") == 1
    # killed before the files, among them, and after them (in the rows, or after)
    assert len(states) >= 3, states


# -- refused ---------------------------------------------------------------------------------

def test_a_target_that_is_not_new_is_refused_with_nothing_changed(plain, new_database,
                                                                   tmp_path, cli):
    address = new_database()
    with Studio.open(address) as server:
        server.consent.add_participant("Allerede her")
        before = rows_of(server._library.connection)
    with Studio.open(plain) as studio:
        audit_before = audit_actions(studio._library.connection)
    refused = cli("library", "copy", plain, address)
    assert refused.code == 1
    assert "already holds a library" in refused.err and "Nothing was changed" in refused.err
    assert address in refused.err
    with Studio.open(address) as server:
        assert rows_of(server._library.connection) == before
        assert not (server.folder / "audio").exists()
        assert not (server.folder / MARKER_NAME).exists()
    occupied = tmp_path / "occupied"
    with Studio.open(occupied) as other:
        other.consent.add_participant("Annen")
    refused = cli("library", "copy", plain, occupied)
    assert refused.code == 1 and str(occupied) in refused.err
    assert sorted(p.name for p in occupied.iterdir()) == ["library.sqlite3",
                                                           "library.sqlite3-shm",
                                                           "library.sqlite3-wal"]
    with Studio.open(plain) as studio:
        assert audit_actions(studio._library.connection)[:len(audit_before)] == audit_before
        assert "library.copied" not in audit_actions(studio._library.connection)
    assert cli("library", "copy", tmp_path / "nothing-here", address).code == 1
    assert not (tmp_path / "nothing-here").exists()


def test_a_ledger_in_doubt_is_not_copied(plain, new_database, cli):
    import sqlite3

    address = new_database()
    tamper = sqlite3.connect(plain / "library.sqlite3")
    tamper.executescript("DROP TRIGGER consent_events_no_update;"
                         " UPDATE consent_events SET purpose = 'public' WHERE id = 2;")
    tamper.close()
    refused = cli("library", "copy", plain, address)
    assert refused.code == 6
    assert f"{plain} is not copied" in refused.err and "consent" in refused.err
    with Library.open(address) as server:
        assert rows_of(server.connection)["consent_events"] == []
        assert not (server.folder / "audio").exists()


def test_a_damaged_recording_is_named_and_the_target_gets_no_row(plain, new_database, cli):
    address = new_database()
    part = sorted((plain / "audio" / "take-3").glob("*.wav"))[0]
    data = bytearray(part.read_bytes())
    data[-100] ^= 0xFF
    part.write_bytes(bytes(data))
    refused = cli("library", "copy", plain, address)
    assert refused.code == 1
    assert f"{part} is not the file that was recorded" in refused.err
    with Library.open(address) as server:
        assert rows_of(server.connection)["takes"] == []


# -- encrypted -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def encrypted_template(tmp_path_factory):
    """An encrypted library: an admin, a therapist, a demo take sealed as it was made."""
    base = tmp_path_factory.mktemp("encrypted")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MT_STUDIO_STATE_DIR", str(base / "state"))
        with Studio.open(base / "library") as studio:
            studio.accounts.add(ADMIN, Role.ADMIN, ADMIN_PASS)
            studio.sign_in(ADMIN, ADMIN_PASS)
            studio.accounts.add(THERAPIST, Role.THERAPIST, THERAPIST_PASS)
            studio.sessions.create_demo()
            keep_part_hashes(studio)
    return base / "library"


def signed_in_copy(source, target, name: str, passphrase: str, tmp_path: Path):
    secret = tmp_path / f"{name}.pass"
    secret.write_text(passphrase + "\n", encoding="utf-8")
    return run_command("--user", name, "library", "copy", str(source), str(target),
                       env={"MT_STUDIO_PASSPHRASE_FILE": str(secret)})


def opened_with_key(location: Path | str, library_key: bytes) -> Library:
    """The encrypted library at LOCATION opened with its key, nobody signed in (so nothing
    is written to it)."""
    keys = library_keys(library_key)
    if is_server_address(location):
        library = Library.open(location)
        library.keys = library.connection.keys = keys
        return library
    return Library.open(location, keys=keys)


def test_an_encrypted_library_is_copied_sealed_and_opens_with_the_same_account(
        encrypted_template, new_database, tmp_path):
    laptop = tmp_path / "laptop"
    shutil.copytree(encrypted_template, laptop)
    library_key, _entry = KeyFile.load(laptop / "library.keys").unlock(ADMIN, ADMIN_PASS)
    address = new_database()
    nobody = run_command("library", "copy", str(laptop), address)
    assert nobody.returncode == 5 and "--user" in nobody.stderr
    therapist = signed_in_copy(laptop, address, THERAPIST, THERAPIST_PASS, tmp_path)
    assert therapist.returncode == 5 and "Only an admin" in therapist.stderr
    done = signed_in_copy(laptop, address, ADMIN, ADMIN_PASS, tmp_path)
    assert done.returncode == 0, done.stderr
    with opened_with_key(laptop, library_key) as source, \
            opened_with_key(address, library_key) as server:
        assert_same_library(source, server)
        assert server.connection.execute(
            "SELECT value FROM service_settings WHERE name = 'encrypted'").fetchone() == ("1",)
    back = tmp_path / "back"
    done = signed_in_copy(address, back, ADMIN, ADMIN_PASS, tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (back / "library.sqlite3").read_bytes().startswith(b"SQLite format 3")
    with opened_with_key(address, library_key) as server, \
            opened_with_key(back, library_key) as copied:
        assert_same_library(server, copied)
    sealed = list((back / "audio").rglob("*.wav"))
    assert sealed and all(is_sealed(path) for path in sealed)
    with Studio.open(laptop) as source:
        source.sign_in(ADMIN, ADMIN_PASS)
        sound = every_take(source)
    for location in (address, back):  # signed in with the same accounts, played the same
        with Studio.open(location) as copy:
            copy.sign_in(THERAPIST, THERAPIST_PASS)
            assert copy.encryption.state().encrypted
            checked = {c.path.name: c.state for c in copy.listening.verify()}
            assert {state for name, state in checked.items() if name.endswith(".wav")} == {
                "matches"}, checked
            again = every_take(copy)
        assert sound and again.keys() == sound.keys()
        for key, samples in sound.items():
            assert np.array_equal(again[key], samples), (location, key)
