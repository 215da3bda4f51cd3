"""The tamper-evident ledger: the issue's edits made with the sqlite3 shell, as an outsider
would, each opening the library read-only with one message naming the first bad row or guard,
refusing an export and failing `mt-studio audit verify`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import library_files
import pytest

from mt_studio.core.domain import Purpose
from mt_studio.core.domain.accounts import Role
from mt_studio.core.errors import AccessRefused, InputError
from mt_studio.core.export import ExportRequest
from mt_studio.core.ledger_heads import head_file
from mt_studio.core.library import Library, consent_ledger, ledger_chain
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.studio import Studio
from mt_studio.core.studio.ledger import LibraryReadOnly
from tests.conftest import run_command
from tests.export_story import band_take


def sqlite_shell(database: Path, script: str) -> None:
    """Run SCRIPT in the sqlite3 command-line shell on DATABASE."""
    subprocess.run(["sqlite3", "-bail", str(database)], input=script, text=True, check=True,
                   capture_output=True, timeout=30)


def trigger_sql(name: str) -> str:
    return ledger_chain.expected_triggers()[name] + ";"


@pytest.fixture
def kept(tmp_path: Path) -> dict:
    """A library seen on this computer: a band take, a withdrawal with grants after it, one
    export; the ids of the withdrawal and the export."""
    folder = tmp_path / "library"
    with Library.open(folder) as library:
        story = band_take(library)
        with library.transaction() as db:
            (withdrawal,) = consent_ledger.withdraw(db, story.per, [Purpose.PUBLIC]).events
            consent_ledger.grant(db, story.kari, [Purpose.SUPERVISION])
    with Studio.open(folder) as studio:
        result = studio.sharing.export(ExportRequest(story.take_id, Purpose.GROUP,
                                                     destination=tmp_path / "out"))
    return {"folder": folder, "database": folder / DATABASE_NAME, "take": story.take_id,
            "withdrawal": withdrawal.id, "export": result.export_id, "out": tmp_path / "out",
            "per": story.per.id}


def assert_read_only(kept: dict, tmp_path: Path, *named: str) -> None:
    """The library opens read-only naming NAMED, refuses an export, fails `audit verify`."""
    with Studio.open(kept["folder"]) as studio:
        doubt = studio.read_only
        assert doubt is not None
        for name in named:
            assert name in doubt.problem
        studio.consent.ledger()  # still read, and the look audited
        with pytest.raises(LibraryReadOnly, match="read-only") as refused:
            studio.sharing.export(ExportRequest(kept["take"], Purpose.GROUP,
                                                destination=tmp_path / "refused"))
        assert all(name in str(refused.value) for name in named)
        with pytest.raises(LibraryReadOnly):
            studio.consent.grant(kept["per"], [Purpose.PUBLIC])
        with pytest.raises(LibraryReadOnly):
            studio.sessions.create_demo()  # written beside the studio's transactions
    assert not (tmp_path / "refused").exists() or not any((tmp_path / "refused").iterdir())
    verify = run_command("--library", str(kept["folder"]), "audit", "verify")
    assert verify.returncode == 6, verify.stderr
    assert all(name in verify.stderr for name in named)
    as_json = run_command("--library", str(kept["folder"]), "audit", "verify", "--json")
    assert as_json.returncode == 6
    found = json.loads(as_json.stdout)
    assert found["intact"] is False and found["problem"] == doubt.problem


def test_an_intact_library_opens_writable_and_its_head_is_kept(kept, tmp_path):
    with Studio.open(kept["folder"]) as studio:
        assert studio.read_only is None
        library_id = studio.audit.verify().library_id
        before = json.loads(head_file(library_id).read_text())["chains"]
        studio.consent.grant(kept["per"], [Purpose.PUBLIC])
    after = json.loads(head_file(library_id).read_text())["chains"]
    assert after["consent_events"]["rows"] == before["consent_events"]["rows"] + 1
    assert after["audit_log"]["rows"] > before["audit_log"]["rows"]
    assert after["exports"] == before["exports"] == after["exports"] | {"rows": 1}
    assert head_file(library_id).stat().st_mode & 0o777 == 0o600
    assert run_command("--library", str(kept["folder"]), "audit", "verify").returncode == 0


def test_the_manifest_carries_the_ledger_head(kept):
    (manifest,) = kept["out"].glob("*/manifest.json")
    ledger = json.loads(manifest.read_text())["ledger"]
    with Library.open(kept["folder"]) as library:
        db = library.connection
        assert ledger["library"] == ledger_chain.library_id(db)
        consent = ledger["chains"]["consent_events"]
        assert consent["rows"] == db.execute("SELECT count(*) FROM consent_events").fetchone()[0]
        assert consent["hash"] == db.execute(
            "SELECT hash FROM consent_events ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert ledger["chains"]["exports"]["rows"] == 0  # as it stood when the export began


def test_a_dropped_trigger_opens_read_only(kept, tmp_path):
    sqlite_shell(kept["database"], "DROP TRIGGER audit_log_no_update;")
    assert_read_only(kept, tmp_path, "audit_log_no_update")


def test_a_deleted_withdrawal_opens_read_only_naming_the_row_after_it(kept, tmp_path):
    withdrawal = kept["withdrawal"]
    sqlite_shell(kept["database"], f"""
        DROP TRIGGER consent_events_no_delete;
        DELETE FROM consent_events WHERE id = {withdrawal};
        {trigger_sql("consent_events_no_delete")}""")  # put back as it was, to hide it
    assert_read_only(kept, tmp_path, f"Row {withdrawal + 1} ", "consent_events")


def test_a_back_dated_grant_opens_read_only_naming_it(kept, tmp_path):
    with Library.open(kept["folder"]) as library:
        last = library.connection.execute("SELECT max(id) FROM consent_events").fetchone()[0]
    sqlite_shell(kept["database"], f"""
        INSERT INTO consent_events (participant_id, purpose, action, at, credit)
        VALUES ({kept["per"]}, 'public', 'grant', '2026-01-05T09:00:00+00:00', 'name');""")
    assert_read_only(kept, tmp_path, f"Row {last + 1} ", "consent_events")


def test_an_emptied_export_list_opens_read_only(kept, tmp_path):
    tables = ("exports", "export_tracks", "export_participants", "export_files")
    sqlite_shell(kept["database"], "\n".join(
        [f"DROP TRIGGER {table}_no_delete;" for table in tables]
        + [f"DELETE FROM {table};" for table in reversed(tables)]
        + [trigger_sql(f"{table}_no_delete") for table in tables]))
    assert_read_only(kept, tmp_path, "exports", "0 rows where 1 were seen")


def test_an_older_copy_put_back_opens_read_only(kept, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(kept["folder"], copy)
    changed = run_command("--library", str(kept["folder"]), "consent", "withdraw",
                          "Fiolinisten", "group", "--reason", "changed my mind")
    assert changed.returncode == 0, changed.stderr
    for name in (DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm"):
        (kept["folder"] / name).unlink(missing_ok=True)
        if (copy / name).exists():
            shutil.copy2(copy / name, kept["folder"] / name)
    assert_read_only(kept, tmp_path, "consent_events", "older than the one last seen")


def test_only_an_admin_accepts_the_library_as_it_is_with_a_reason_audited(kept):
    passphrase = "a song for every morning"
    with Studio.open(kept["folder"]) as studio:
        studio.accounts.add("Therese", Role.ADMIN, passphrase)
        studio.sign_in("Therese", passphrase)
        studio.accounts.add("Tor", Role.THERAPIST, passphrase)
    # encrypted now: changed by an insider who has a passphrase, through SQLCipher's shell
    library_files.run_sql(kept["folder"], "DROP TRIGGER consent_events_no_update;"
                          "UPDATE consent_events SET witness = 'Someone else';",
                          "Therese", passphrase)
    with Studio.open(kept["folder"]) as studio:
        studio.sign_in("Tor", passphrase)  # a read-only library still lets people sign in
        assert "consent_events_no_update" in studio.read_only.problem
        with pytest.raises(AccessRefused):
            studio.audit.accept("It looked fine to me")
        studio.sign_in("Therese", passphrase)
        with pytest.raises(InputError):
            studio.audit.accept("  ")
        assert studio.audit.accept("Checked with the service: a test edit").intact
        assert studio.read_only is None
        studio.consent.grant(kept["per"], [Purpose.PUBLIC])
        (accepted,) = [row for row in studio.audit.entries() if row.action == "ledger.accepted"]
        assert accepted.details["reason"] == "Checked with the service: a test edit"
        assert "consent_events_no_update" in accepted.details["problem"]
    with Studio.open(kept["folder"]) as studio:
        assert studio.read_only is None


def test_a_library_new_to_this_computer_is_checked_by_its_chains_alone(kept, tmp_path):
    shutil.rmtree(tmp_path / "state")
    verify = run_command("--library", str(kept["folder"]), "audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert "had not seen this library before" in verify.stdout
    assert any((tmp_path / "state" / "ledger").glob("*.json"))


def test_an_unreadable_record_of_the_heads_is_named_and_the_library_read_only(kept, tmp_path):
    (head,) = (tmp_path / "state" / "ledger").glob("*.json")
    head.write_text("{not json")
    with Studio.open(kept["folder"]) as studio:
        assert str(head) in studio.read_only.problem
        with pytest.raises(LibraryReadOnly):
            studio.consent.grant(kept["per"], [Purpose.PUBLIC])
        studio.audit.accept("The state folder was damaged by a disk check")
        assert studio.read_only is None
    with Studio.open(kept["folder"]) as studio:
        assert studio.read_only is None
