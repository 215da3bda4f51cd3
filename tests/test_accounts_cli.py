"""Accounts on the command line: `user add|list|disable|enable|passwd`, signing a command in
with --user or MT_STUDIO_USER and a passphrase file, `audit show`, and bad input that is one
line, exit 2 (5 for a refused sign-in), changing nothing."""

from __future__ import annotations

import json

import pytest
from conftest import run_command
from test_cli import dump as dump_library

from mt_studio.cli.main import main
from mt_studio.cli.sign_in import unprotected_notice

ADMIN_PASS = "a song for every morning"
THERAPIST_PASS = "drums before the chorus"


@pytest.fixture
def secrets(tmp_path):
    """Passphrase files: the admin's, the therapist's, a wrong one."""
    files = {}
    for name, text in (("admin", ADMIN_PASS), ("therapist", THERAPIST_PASS),
                       ("wrong", "not the passphrase at all")):
        files[name] = tmp_path / f"{name}.pass"
        files[name].write_text(text + "\n", encoding="utf-8")
    return files


@pytest.fixture
def staffed(cli, secrets, monkeypatch):
    """A library behind Therese (admin) and Tor (therapist); commands sign in as Therese."""
    assert cli("user", "add", "Therese", "--role", "admin",
               "--passphrase-file", secrets["admin"]).code == 0
    monkeypatch.setenv("MT_STUDIO_USER", "Therese")
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(secrets["admin"]))
    assert cli("user", "add", "Tor", "--passphrase-file", secrets["therapist"]).code == 0
    return secrets


def dump(folder):
    """The library's database as SQL, opened as Therese (it is encrypted)."""
    return dump_library(folder, "Therese", ADMIN_PASS)


def test_a_library_without_accounts_says_so_once_on_every_command(capsys, tmp_path):
    assert main(["participant", "add", "Ola"]) == 0
    assert main(["session", "list", "--json"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == [unprotected_notice()] * 2


def test_the_first_account_closes_the_library(cli, secrets, monkeypatch, capsys):
    cli("participant", "add", "Ola")
    added = cli("user", "add", "Therese", "--passphrase-file", secrets["admin"])
    assert added.code == 0 and "admin" in added.out  # the first account is an admin's
    refused = cli("participant", "list")
    assert refused.code == 5 and "--user NAME" in refused.err and refused.out == ""
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(secrets["admin"]))
    listed = cli("--user", "therese", "participant", "list", "--json")
    assert listed.code == 0 and listed.json() == [{"id": 1, "pseudonym": "Ola"}]
    assert main(["--user", "Therese", "session", "list"]) == 0
    assert unprotected_notice() not in capsys.readouterr().err


def test_accounts_are_listed_without_any_passphrase(cli, staffed):
    listed = cli("user", "list", "--json")
    assert listed.json() == [
        {"id": 1, "name": "Therese", "role": "admin", "disabled": False},
        {"id": 2, "name": "Tor", "role": "therapist", "disabled": False}]
    assert ADMIN_PASS not in listed.out and "argon2" not in listed.out


@pytest.mark.parametrize(("env", "code", "words"), [
    ({"MT_STUDIO_PASSPHRASE_FILE": "wrong"}, 5, "The name or the passphrase is wrong."),
    ({"MT_STUDIO_USER": "Nobody"}, 5, "The name or the passphrase is wrong."),
    ({"MT_STUDIO_PASSPHRASE_FILE": "missing"}, 2, "missing.pass (MT_STUDIO_PASSPHRASE_FILE) "
                                                  "cannot be read"),
    ({"MT_STUDIO_PASSPHRASE_FILE": "empty"}, 2, "is empty"),
])
def test_a_refused_sign_in_is_one_line_and_changes_nothing(cli, staffed, tmp_path,
                                                          monkeypatch, env, code, words):
    (tmp_path / "empty.pass").write_text("\n", encoding="utf-8")
    for key, value in env.items():
        monkeypatch.setenv(key, str(tmp_path / f"{value}.pass") if key.endswith("FILE")
                           else value)
    before = dump(tmp_path / "library")
    result = cli("participant", "add", "Kari")
    assert result.code == code
    assert words in result.err and result.err.count("\n") == 1 and result.out == ""
    after = dump(tmp_path / "library")
    # a wrong passphrase is counted and audited; nothing else changes
    changed = [line for line in after if line not in before]
    assert all("audit_log" in line or "accounts" in line for line in changed)
    assert not any("Kari" in line for line in after)


def test_a_disabled_account_cannot_sign_in(cli, staffed, monkeypatch):
    assert cli("user", "disable", "Tor").code == 0
    monkeypatch.setenv("MT_STUDIO_USER", "Tor")
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(staffed["therapist"]))
    refused = cli("session", "list")
    # its passphrase no longer unwraps the library key, so nothing says whether it was right
    assert refused.code == 5 and "The name or the passphrase is wrong." in refused.err
    monkeypatch.setenv("MT_STUDIO_USER", "Therese")
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(staffed["admin"]))
    enabled = cli("user", "enable", "Tor")
    assert enabled.code == 0 and "user passwd Tor" in enabled.out
    assert cli("user", "passwd", "Tor", "--passphrase-file", staffed["therapist"]).code == 0
    monkeypatch.setenv("MT_STUDIO_USER", "Tor")
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(staffed["therapist"]))
    assert cli("session", "list").code == 0


def test_a_bad_new_passphrase_is_refused_before_anything_changes(cli, staffed, tmp_path):
    short = tmp_path / "short.pass"
    short.write_text("tiny\n", encoding="utf-8")
    result = cli("user", "add", "Una", "--passphrase-file", short)
    assert result.code == 2 and "too short" in result.err
    assert "Una" not in "".join(dump(tmp_path / "library"))
    assert [a["name"] for a in cli("user", "list", "--json").json()] == ["Therese", "Tor"]


def test_without_a_terminal_or_a_file_there_is_no_passphrase_to_ask_for(staffed, tmp_path):
    done = run_command("--user", "Therese", "session", "list",
                       env={"MT_STUDIO_PASSPHRASE_FILE": "", "MT_STUDIO_LIBRARY":
                            str(tmp_path / "library")})
    assert done.returncode == 2 and "no terminal" in done.stderr


def test_a_therapist_may_not_manage_accounts_or_read_the_audit(cli, staffed, monkeypatch):
    monkeypatch.setenv("MT_STUDIO_USER", "Tor")
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(staffed["therapist"]))
    for args in (("user", "disable", "Therese"), ("audit", "show"),
                 ("user", "passwd", "Therese", "--passphrase-file", staffed["wrong"])):
        result = cli(*args)
        assert result.code == 5 and "admin" in result.err
    assert cli("user", "passwd", "--passphrase-file", staffed["wrong"]).code == 0  # own
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(staffed["wrong"]))
    assert cli("session", "list").code == 0


def test_the_audit_shows_who_did_what(cli, staffed, monkeypatch):
    monkeypatch.setenv("MT_STUDIO_USER", "Tor")
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(staffed["therapist"]))
    assert cli("participant", "add", "Ola", "--name", "Ola Nordmann").code == 0
    assert cli("participant", "list").code == 0  # real names shown: audited
    monkeypatch.setenv("MT_STUDIO_USER", "Therese")
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(staffed["admin"]))
    rows = cli("audit", "show", "--actor", "Tor", "--json").json()
    actions = [row["action"] for row in rows]
    assert actions == ["account.signed_in", "participant.added", "account.signed_in",
                       "real_names.shown"]
    assert {row["actor"] for row in rows} == {"Tor"}
    about_ola = cli("audit", "show", "--participant", "Ola", "--json").json()
    assert [row["action"] for row in about_ola] == ["participant.added", "audit.shown"]
    text = cli("audit", "show", "--since", "2000-01-01").out
    assert "participant.added" in text and "Tor" in text
    assert json.dumps(rows).count(ADMIN_PASS) == 0


def test_only_an_admin_changes_the_services_report_rules(cli, staffed, monkeypatch):
    assert cli("report", "rules", "--json").json() == {
        "show_small_counts": False, "missed_in_a_row": 3, "individual_weeks": 6}
    monkeypatch.setenv("MT_STUDIO_USER", "Tor")
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(staffed["therapist"]))
    assert "counts under 3 as <3" in cli("report", "rules").out  # a therapist may read them
    for change in (("--small-counts", "show"), ("--missed-in-a-row", "4")):
        refused = cli("report", "rules", *change)
        assert refused.code == 5 and "admin" in refused.err
    monkeypatch.setenv("MT_STUDIO_USER", "Therese")
    monkeypatch.setenv("MT_STUDIO_PASSPHRASE_FILE", str(staffed["admin"]))
    assert cli("report", "rules", "--small-counts", "show", "--missed-in-a-row", "0").code == 2
    assert cli("report", "rules", "--json").json()["show_small_counts"] is False  # unchanged
    changed = cli("report", "rules", "--small-counts", "show", "--individual-weeks", "8",
                  "--json")
    assert changed.json() == {"show_small_counts": True, "missed_in_a_row": 3,
                              "individual_weeks": 8}
