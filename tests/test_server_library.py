"""A library for the whole service on PostgreSQL (docs/architecture.md, "One library for the
service"): made with `library init`, opened by its address, its password never in the address,
its schema upgraded once, its writers taking turns, its ledger checked as an SQLite one's."""

from __future__ import annotations

import os
import threading

import psycopg
import pytest
from conftest import run_command

from mt_studio.core.domain import Purpose
from mt_studio.core.errors import LibraryError
from mt_studio.core.library import (
    Library,
    consent_ledger,
    ledger_chain,
    participants,
    schema_postgresql,
    server,
)
from mt_studio.core.studio import Studio

pytestmark = pytest.mark.usefixtures("postgres_server")


@pytest.fixture
def address(postgres_server, tmp_path) -> str:
    """An empty database on the tests' server."""
    return postgres_server.new_database()


def test_init_makes_a_library_that_commands_in_other_processes_share(address, tmp_path):
    store = tmp_path / "share" / "mt-studio"
    made = run_command("library", "init", address, "--audio-store", str(store))
    assert made.returncode == 0, made.stderr
    assert "postgresql://mt@127.0.0.1" in made.stdout and str(store) in made.stdout
    assert run_command("--library", address, "participant", "add", "Ola").returncode == 0
    # another process, told the library by $MT_STUDIO_LIBRARY, sees what the first wrote
    listed = run_command("participant", "list", "--json", env={"MT_STUDIO_LIBRARY": address})
    assert listed.returncode == 0 and '"pseudonym": "Ola"' in listed.stdout
    with Library.open(address) as library:
        assert library.on_server and library.folder == store
        assert ledger_chain.verify(library.connection)[0] is None
    assert store.is_dir()


def test_init_refuses_a_library_twice_and_a_database_of_another_program(
        address, postgres_server, tmp_path):
    assert run_command("library", "init", address, "--audio-store",
                       str(tmp_path / "a")).returncode == 0
    again = run_command("library", "init", address, "--audio-store", str(tmp_path / "b"))
    assert again.returncode != 0 and "already holds an mt_studio library" in again.stderr
    with Library.open(address) as library:  # the first one's store stands
        assert library.folder == tmp_path / "a"
    other = postgres_server.new_database()
    postgres_server.sql("CREATE TABLE invoices (id int)", other.rsplit("/", 1)[1])
    refused = run_command("library", "init", other, "--audio-store", str(tmp_path / "c"))
    assert refused.returncode != 0 and "tables of another program" in refused.stderr
    assert postgres_server.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
                               other.rsplit("/", 1)[1]) == [(1,)]


def test_a_database_without_a_library_is_named_with_the_command_that_makes_one(address):
    opened = run_command("--library", address, "participant", "list")
    assert opened.returncode != 0
    assert "holds no mt_studio library yet" in opened.stderr
    assert "mt-studio library init" in opened.stderr


def test_a_password_in_the_address_is_refused_and_never_shown(address, tmp_path):
    with_password = address.replace("mt@", "mt:hemmelig-pass@")
    for command in (["library", "init", with_password, "--audio-store", str(tmp_path)],
                    ["--library", with_password, "participant", "list"]):
        done = run_command(*command)
        assert done.returncode != 0 and "~/.pgpass" in done.stderr
        assert "hemmelig-pass" not in done.stderr + done.stdout
    logs = b"".join(p.read_bytes() for p in (tmp_path / "logs").rglob("*") if p.is_file())
    assert b"hemmelig-pass" not in logs


def test_the_password_comes_from_pgpass_and_an_unreachable_server_is_named(
        postgres_server, tmp_path, monkeypatch):
    # A role that must give a password, as a service's server asks of mt_studio.
    postgres_server.sql("CREATE ROLE therapists LOGIN PASSWORD 'sju-fjell-og-en-fjord'")
    database = postgres_server.new_database()
    name = database.rsplit("/", 1)[1]
    postgres_server.sql(f"ALTER DATABASE {name} OWNER TO therapists")
    postgres_server.sql("GRANT ALL ON SCHEMA public TO therapists", name)
    postgres_server.require_password_for("therapists")
    address = postgres_server.address(name, user="therapists")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    refused = run_command("library", "init", address, "--audio-store", str(tmp_path / "s"))
    assert refused.returncode != 0 and "Cannot reach the library's database" in refused.stderr
    assert "postgresql://therapists@127.0.0.1" in refused.stderr
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{postgres_server.port}:{name}:therapists:"
                      "sju-fjell-og-en-fjord\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    made = run_command("library", "init", address, "--audio-store", str(tmp_path / "s"))
    assert made.returncode == 0, made.stderr
    assert run_command("--library", address, "participant", "add", "Kari").returncode == 0
    postgres_server.stop()
    try:
        gone = run_command("--library", address, "participant", "list")
        assert gone.returncode != 0
        assert f"Cannot reach the library's database {postgres_server.shown(name, 'therapists')}" \
            in gone.stderr
        assert "sju-fjell" not in gone.stderr
    finally:
        postgres_server.start()


def test_a_service_file_names_the_server_and_the_database(postgres_server, tmp_path,
                                                          monkeypatch):
    """A municipality's IT may hand out a pg_service.conf instead of an address."""
    database = postgres_server.new_database().rsplit("/", 1)[1]
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[musikkterapi]\nhost=127.0.0.1\nport={postgres_server.port}\n"
                        f"dbname={database}\nuser=mt\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    address = "postgresql://?service=musikkterapi"
    made = run_command("library", "init", address, "--audio-store", str(tmp_path / "store"))
    assert made.returncode == 0, made.stderr
    assert "postgresql://?service=musikkterapi" in made.stdout
    assert run_command("--library", address, "participant", "add", "Ola").returncode == 0
    with Library.open(postgres_server.address(database)) as library:
        assert [p.pseudonym for p in participants.all_participants(library.connection)] \
            == ["Ola"]


def test_writers_on_two_connections_take_turns_and_the_ledger_stays_one_chain(
        library_on_server):
    """Two therapists' computers granting and withdrawing at the same moment: every row is
    kept, once, on one chain."""
    with Library.open(library_on_server.location) as other:
        with library_on_server.transaction() as db:
            ola = participants.add(db, "Ola")
            kari = participants.add(db, "Kari")
        start = threading.Barrier(2)
        failures: list[BaseException] = []

        def write(library: Library, participant) -> None:
            start.wait()
            try:
                for round_ in range(25):
                    with library.transaction() as db:
                        if round_ % 2:
                            consent_ledger.withdraw(db, participant, [Purpose.GROUP],
                                                    reason="a break")
                        else:
                            consent_ledger.grant(db, participant, [Purpose.GROUP])
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)

        writers = [threading.Thread(target=write, args=(library_on_server, ola)),
                   threading.Thread(target=write, args=(other, kari))]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join(timeout=120)
        assert failures == []
    events = consent_ledger.events(library_on_server.connection, [ola.id, kari.id])
    assert len(events) == 50
    finding, heads = ledger_chain.verify(library_on_server.connection)
    assert finding is None and heads["consent_events"].rows == 50


WRITER = """
import sys
from mt_studio.core.domain import Purpose
from mt_studio.core.library import Library, consent_ledger, participants
with Library.open(sys.argv[1]) as library:
    who = participants.find(library.connection, sys.argv[2])
    print("ready", flush=True)
    sys.stdin.readline()  # every writer starts at once
    for round_ in range(20):
        with library.transaction() as db:
            if round_ % 2:
                consent_ledger.withdraw(db, who, [Purpose.GROUP], reason="a break")
            else:
                consent_ledger.grant(db, who, [Purpose.GROUP])
"""


def test_writers_in_three_processes_keep_one_chain(library_on_server):
    """Three computers' programs writing the ledger at the same moment."""
    import subprocess
    import sys

    names = ("Ola", "Kari", "Per")
    with library_on_server.transaction() as db:
        for name in names:
            participants.add(db, name)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, library_on_server.address, name],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for name in names]
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready"
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    finding, heads = ledger_chain.verify(library_on_server.connection)
    assert finding is None and heads["consent_events"].rows == 60
    ids = [row[0] for row in library_on_server.connection.execute(
        "SELECT id FROM consent_events ORDER BY id")]
    assert ids == list(range(1, 61))


@pytest.fixture
def library_on_server(address, tmp_path):
    Library.create_on_server(address, tmp_path / "store")
    with Library.open(address) as library:
        yield library


def test_an_encrypted_server_library_opens_at_a_sign_in_and_its_share_holds_only_sealed_files(
        address, tmp_path):
    """Whoever administers the file share (or the database) reads no recording: the files
    in the store are sealed with their takes' keys, which only a passphrase unwraps."""
    from mt_studio.core.domain.accounts import Role
    from mt_studio.core.waveform import open_track_file

    store = tmp_path / "store"
    Library.create_on_server(address, store)
    with Studio.open(address) as studio:
        session_ids = [studio.sessions.create_demo() for _ in range(2)]
        studio.accounts.add("Therese", Role.ADMIN, "a song for every morning")
        studio.sign_in("Therese", "a song for every morning")
        report = studio.encryption.seal_files()
        assert report.sealed and not report.left_plain
    files = [path for path in store.rglob("*") if path.is_file()]
    assert (store / "library.keys").is_file() and len(files) > 5
    for path in files:
        assert path.read_bytes()[:4] not in (b"RIFF", b"MThd"), path
    with Studio.open(address) as studio:
        assert not studio._library.is_open  # nothing read before a sign-in
        studio.sign_in("Therese", "a song for every morning")
        assert studio.check_ledger().intact
        for session_id in session_ids:
            for take in studio.sessions.takes(session_id):
                checks = studio.listening.verify(take.id)
                # the demo's files carry no hash: none is changed, missing or unreadable
                assert {check.state.value for check in checks} == {"unchecked"}
                for check in checks:
                    if check.path.suffix == ".wav":  # and each reads back through its key
                        with open_track_file(check.path) as sound:
                            assert sound.frames > 0 and sound.read(4800).any()
        db = studio._library.connection
        assert db.execute("SELECT count(*) FROM take_keys").fetchone()[0] == 2
        # the chains are keyed: linked again without the key, they would not match
        assert ledger_chain.verify(db)[0] is None
        db.keys = None
        assert ledger_chain.verify(db)[0] is not None


def test_a_consent_row_changed_by_the_servers_administrator_makes_the_library_read_only(
        library_on_server, postgres_server):
    """Whoever administers the server can lift the triggers; the chain still tells."""
    with library_on_server.transaction() as db:
        ola = participants.add(db, "Ola")
        consent_ledger.grant(db, ola, [Purpose.RECORD, Purpose.GROUP])
    name = library_on_server.address.rsplit("/", 1)[1]
    postgres_server.sql("BEGIN; ALTER TABLE consent_events DISABLE TRIGGER USER;"
                        " UPDATE consent_events SET purpose = 'public' WHERE purpose = 'group';"
                        " ALTER TABLE consent_events ENABLE TRIGGER USER; COMMIT", name)
    with Studio.open(library_on_server.location) as studio:
        assert studio.read_only is not None
        assert studio.read_only.table == "consent_events"


def test_a_trigger_dropped_on_the_server_is_named(library_on_server, postgres_server):
    name = library_on_server.address.rsplit("/", 1)[1]
    postgres_server.sql("DROP TRIGGER audit_log_no_delete ON audit_log", name)
    with Studio.open(library_on_server.location) as studio:
        assert studio.read_only is not None
        assert studio.read_only.trigger == "audit_log_no_delete"


def test_the_refusing_function_altered_on_the_server_is_found(library_on_server,
                                                              postgres_server):
    name = library_on_server.address.rsplit("/", 1)[1]
    postgres_server.sql("CREATE OR REPLACE FUNCTION mt_studio_refuse_change() RETURNS trigger"
                        " LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$", name)
    with Studio.open(library_on_server.location) as studio:
        assert studio.read_only is not None and studio.read_only.kind == "trigger"


def test_an_upgrade_runs_once_though_two_computers_open_the_library_together(
        library_on_server, monkeypatch):
    """The upgrade test of the PostgreSQL schema: a migration after the last one, run by
    whichever opening gets the write lock first; the other finds it done."""
    applied = []

    def next_version(db) -> None:
        applied.append(1)
        db.execute("ALTER TABLE sessions ADD COLUMN room TEXT NOT NULL DEFAULT ''")

    address = library_on_server.address
    latest = server.latest_version()
    monkeypatch.setattr(schema_postgresql, "MIGRATIONS",
                        (*schema_postgresql.MIGRATIONS, next_version))
    start = threading.Barrier(2)
    opened: list[Library] = []
    failures: list[BaseException] = []

    def open_it() -> None:
        start.wait()
        try:
            opened.append(Library.open(address))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    openers = [threading.Thread(target=open_it) for _ in range(2)]
    for thread in openers:
        thread.start()
    for thread in openers:
        thread.join(timeout=60)
    try:
        assert failures == [] and len(opened) == 2
        assert applied == [1]
        db = opened[0].connection
        assert db.execute("SELECT version FROM library_version").fetchone()[0] == latest + 1
        assert db.execute("SELECT room FROM sessions").fetchall() == []
    finally:
        for library in opened:
            library.close()


def test_a_library_from_a_newer_mt_studio_is_refused_unchanged(library_on_server,
                                                              postgres_server):
    name = library_on_server.address.rsplit("/", 1)[1]
    postgres_server.sql(f"UPDATE library_version SET version = {server.latest_version() + 1}",
                        name)
    with pytest.raises(LibraryError, match="newer mt_studio"):
        Library.open(library_on_server.address)


def test_the_tests_own_server_is_not_the_users(postgres_server):
    """The fixture's server listens on localhost only, on a port of its own."""
    with psycopg.connect(postgres_server.admin_address) as admin:
        assert admin.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
    assert os.environ.get("PGHOST") is None
