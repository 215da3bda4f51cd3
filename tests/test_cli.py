"""The command-line contract: JSON round trips, exit codes, and bad input that changes nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import library_files
import pytest
from conftest import library_here, run_command

from mt_studio.core.domain import Purpose, TrackKind
from mt_studio.core.library import Library, exports, participants, songs, takes
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.library.migrations import MIGRATIONS
from mt_studio.core.studio import Studio


def dump(folder: Path, name: str | None = None, passphrase: str | None = None) -> list[str]:
    """Everything in a library database, to show that a refused command changed nothing (an
    encrypted one opened with NAME's PASSPHRASE)."""
    db = library_files.connect(folder, name, passphrase)
    try:
        return list(db.iterdump())
    finally:
        db.close()


@pytest.fixture
def band(cli, tmp_path):
    """A library with Ola, Kari and a band session with both present."""
    for name in ("Ola", "Kari"):
        assert cli("participant", "add", name).code == 0
    result = cli("session", "new", "Tuesday band", "--kind", "band", "--participants", "Ola,Kari",
                 "--json")
    assert result.code == 0
    return result.json()["id"]


def test_participants_round_trip_as_json(cli):
    added = cli("participant", "add", "Ola", "--name", "Ola Nordmann", "--json")
    assert added.code == 0
    assert added.json() == {"id": 1, "pseudonym": "Ola"}
    cli("participant", "add", "Åse")
    listed = cli("participant", "list", "--json").json()
    assert listed == [{"id": 1, "pseudonym": "Ola"}, {"id": 2, "pseudonym": "Åse"}]
    named = cli("participant", "list", "--json", "--names").json()
    assert [p["name"] for p in named] == ["Ola Nordmann", None]
    assert "Ola Nordmann" in cli("participant", "list").out


@pytest.mark.parametrize("again", ["ola", "OLA", " Ola "])
def test_a_pseudonym_is_taken_whatever_its_letter_case(cli, tmp_path, again):
    cli("participant", "add", "Ola")
    before = dump(library_here())
    result = cli("participant", "add", again)
    assert result.code == 2
    assert result.err == "mt-studio: A participant called 'Ola' already exists.\n"
    assert dump(library_here()) == before


def test_norwegian_letters_compare_without_letter_case(cli):
    cli("participant", "add", "Øyvind")
    assert cli("participant", "add", "øyvind").code == 2
    assert cli("consent", "grant", "ØYVIND", "record").code == 0


def test_consent_grant_show_withdraw_and_regrant(cli, tmp_path):
    cli("participant", "add", "Ola")
    until = (date.today() + timedelta(days=30)).isoformat()
    granted = cli("consent", "grant", "Ola", "record", "keep", "group", "--until", until,
                  "--witness", "Therapist A", "--form-version", "2026-1", "--credit", "pseudonym")
    assert granted.code == 0
    assert cli("consent", "withdraw", "Ola", "group", "--reason", "not ready").code == 0
    shown = cli("consent", "show", "Ola", "--json").json()
    assert shown["participant"]["pseudonym"] == "Ola"
    assert shown["credit"] == "pseudonym"
    purposes = shown["purposes"]
    assert purposes["record"] == {"state": "granted", "valid": True,
                                  "since": date.today().isoformat(), "valid_until": until}
    assert purposes["group"]["state"] == "withdrawn" and not purposes["group"]["valid"]
    assert purposes["public"]["state"] == "never_granted"
    assert [(h["action"], h["purpose"]) for h in shown["history"]] == [
        ("grant", "record"), ("grant", "keep"), ("grant", "group"), ("withdraw", "group")]
    assert shown["history"][0]["witness"] == "Therapist A"
    assert shown["history"][0]["form_version"] == "2026-1"
    assert shown["history"][3]["reason"] == "not ready"

    assert cli("consent", "grant", "Ola", "group").code == 0
    again = cli("consent", "show", "Ola", "--json").json()
    assert again["purposes"]["group"]["state"] == "granted"
    assert len(again["history"]) == 5
    text = cli("consent", "show", "Ola")
    assert text.code == 0 and "withdraw" in text.out and "not ready" in text.out


def test_withdrawal_names_the_exports_to_recall(cli, tmp_path, band):
    cli("consent", "grant", "Ola", "record", "community")
    with Library.open(library_here()) as library:
        db = library.connection
        take = takes.start(db, band, 48000)
        track = takes.add_track(db, take, TrackKind.AUDIO, input=1)
        exports.record(db, Purpose.COMMUNITY, "Kulturhuset", "mix.flac", [track], [1, 2])
    result = cli("consent", "withdraw", "Ola", "community", "--json")
    assert result.code == 0
    report = result.json()
    assert report["restricted_takes"] == [{"take": take, "session": band, "number": 1}]
    assert [e["recipient"] for e in report["exports_to_recall"]] == ["Kulturhuset"]
    text = cli("consent", "withdraw", "Ola", "community")
    assert "Kulturhuset" in text.out and "session 1 take 1" in text.out


def test_withdrawing_group_consent_names_the_lead_sheets_with_their_words(cli, tmp_path, band):
    cli("consent", "grant", "Ola", "record", "group", "community")
    with Studio.open(library_here()) as studio:
        with studio._transaction() as db:
            take = takes.start(db, band, 48000)
            ola = participants.find(db, "Ola")
            song = songs.create(db, "Vårsang", [ola], lyrics="Snøen går\n")
            songs.link_take(db, song.id, take)
        sheet = studio.sharing.lead_sheet(take)
        assert sheet.writers == (ola.id,)
        studio.sharing.log_lead_sheet(take, sheet, "printed")
    assert cli("consent", "withdraw", "Ola", "community", "--json").json()["lead_sheets"] == []
    report = cli("consent", "withdraw", "Ola", "group", "--json").json()
    assert [(s["take"], s["song"], s["how"]) for s in report["lead_sheets"]] == [
        (take, song.id, "printed")]
    text = cli("consent", "withdraw", "Ola", "group").out
    assert f"A lead sheet of take {take} with their words was printed on" in text


def test_session_show_gives_the_contract_with_absolute_files(cli, tmp_path, band):
    with Library.open(library_here()) as library:
        folder = library.folder
        db = library.connection
        take = takes.start(db, band, 48000, sample_format="pcm24")
        room = takes.add_track(db, take, TrackKind.AUDIO, input=1, participant_ids=[1, 2])
        takes.add_track(db, take, TrackKind.MIDI, port="Keys", participant_ids=[2],
                        isolated=True)
        takes.add_marker(db, take, 4800, "verse")
        takes.add_dropout(db, take, 9600, 128, "input overflow")
        takes.finish(db, take, 96000)
    shown = cli("session", "show", str(band), "--json").json()
    assert {"id", "title", "kind", "participants", "takes"} <= shown.keys()
    assert shown["participants"] == ["Kari", "Ola"]
    (only,) = shown["takes"]
    assert {k: only[k] for k in ("id", "number", "status", "samplerate", "frames")} == {
        "id": take, "number": 1, "status": "complete", "samplerate": 48000, "frames": 96000}
    audio, midi = only["tracks"]
    assert {k: audio[k] for k in ("kind", "input", "port", "participants", "isolated")} == {
        "kind": "audio", "input": 1, "port": None, "participants": ["Kari", "Ola"],
        "isolated": False}
    assert audio["file"] == str(folder / room.file)
    assert Path(audio["file"]).is_absolute()
    assert {k: midi[k] for k in ("kind", "input", "port", "participants", "isolated")} == {
        "kind": "midi", "input": None, "port": "Keys", "participants": ["Kari"],
        "isolated": True}
    assert only["markers"] == [{"frame": 4800, "name": "verse"}]
    assert only["dropouts"] == [{"frame": 9600, "length": 128, "cause": "input overflow"}]
    listed = cli("session", "list", "--json").json()
    assert listed == [{"id": band, "title": "Tuesday band", "kind": "band",
                       "date": date.today().isoformat(), "participants": ["Kari", "Ola"],
                       "takes": 1}]
    assert "Tuesday band" in cli("session", "show", str(band)).out


def test_session_new_from_a_template_takes_its_kind_tempo_and_inputs(cli):
    result = cli("session", "new", "Thursday choir", "--template", "choir", "--json")
    assert result.code == 0, result.err
    shown = cli("session", "show", str(result.json()["id"]), "--json").json()
    assert shown["kind"] == "choir" and shown["template"] == "choir"
    assert shown["inputs"] and all(not i["isolated"] for i in shown["inputs"])
    band = cli("session", "show", str(cli("session", "new", "B", "--template", "band",
                                          "--json").json()["id"]), "--json").json()
    assert any(i["isolated"] for i in band["inputs"]) and band["tempo_bpm"]


# Bad input: one line naming the thing, a non-zero exit, and the library unchanged.

@pytest.mark.parametrize("args, code, named", [
    (["consent", "grant", "Nobody", "record"], 2, "'Nobody'"),
    (["consent", "withdraw", "Nobody", "record"], 2, "'Nobody'"),
    (["consent", "show", "Nobody"], 2, "'Nobody'"),
    (["consent", "grant", "Ola", "record", "recrod"], 2, "'recrod'"),
    (["consent", "grant", "Ola", "record", "--until", "2026-13-01"], 2, "'2026-13-01'"),
    (["consent", "grant", "Ola", "record", "--until", "tomorrow"], 2, "'tomorrow'"),
    (["consent", "grant", "Ola", "record", "--until", "2001-01-01"], 2, "2001-01-01"),
    (["consent", "grant", "Ola", "record", "--credit", "nickname"], 2, "'nickname'"),
    (["session", "new", "X", "--kind", "band", "--participants", "Ola,Nobody"], 2, "'Nobody'"),
    (["session", "new", "X", "--kind", "orchestra"], 2, "'orchestra'"),
    (["session", "new", "X"], 2, "--kind"),
    (["session", "new", "X", "--template", "no-such-template"], 2, "no-such-template"),
    (["session", "new", "  ", "--kind", "band"], 2, "title"),
    (["session", "show", "99"], 2, "99"),
    (["session", "show", "first"], 2, "'first'"),
    (["session", "show", "99999999999999999999999"], 2, "99999999999999999999999"),
    (["session", "show", "-3"], 2, "-3"),
    (["participant", "add", "two\nlines"], 2, "'two\\nlines'"),
    (["consent", "grant", "no\nbody", "record"], 2, "'no\\nbody'"),
    (["consent", "grant", "Ola", "record", "--witness", "A\nB"], 2, "'A\\nB'"),
    (["session", "new", "Band\nnight", "--kind", "band"], 2, "'Band\\nnight'"),
    (["participant", "add", "A,B"], 2, "'A,B'"),
    (["participant", "add", ""], 2, "empty"),
    (["participant", "frobnicate"], 2, "'frobnicate'"),
    (["record", "1", "--device", "x", "--inputs", "0-3"], 2, "'0-3'"),
    (["record", "1", "--device", "x", "--inputs", "one"], 2, "'one'"),
    (["record", "1", "--device", "x", "--assign", "1"], 2, "'1'"),
    (["record", "1", "--device", "x", "--duration", "0"], 2, "'0'"),
    (["record", "1", "--device", "x", "--format", "mp3"], 2, "'mp3'"),
    (["record", "1", "--device", "x", "--assign", "1=Nobody"], 2, "'Nobody'"),
    (["record", "1", "--device", "x", "--assign", "midi=Ola"], 2, "--midi"),
])
def test_bad_input_is_one_line_naming_it_and_changes_nothing(cli, tmp_path, args, code, named):
    assert cli("participant", "add", "Ola").code == 0
    before = dump(library_here())
    result = cli(*args)
    assert result.code == code
    assert named in result.err
    assert result.err.count("\n") == 1 and result.err.startswith("mt-studio")
    assert result.out == ""
    assert dump(library_here()) == before


@pytest.mark.parametrize("args, named", [
    (["participant", "add", b"Ol\xff"], r"argument 3, 'Ol\xff'"),
    (["participant", "add", "Ola", "--name", b"Nordm\xe5nn"], r"argument 5, 'Nordm\xe5nn'"),
    (["--library", b"TMP/lib\xff"], r"argument 2, 'TMP/lib\xff'"),  # the window's form
])
def test_arguments_that_are_not_utf8_exit_2_naming_the_argument(cli, tmp_path, args, named):
    """Bytes that are not UTF-8 reach Python as surrogates: refused in one line, never stored
    or met as an unexpected error. In this process and as the installed command."""
    assert cli("participant", "add", "Kari").code == 0
    before = dump(library_here())
    args = [os.fsdecode(a.replace(b"TMP", os.fsencode(tmp_path))) if isinstance(a, bytes)
            else a for a in args]
    named = named.replace("TMP", str(tmp_path))
    expected = f"mt-studio: {named}, is not UTF-8 text; give it in UTF-8\n"
    here = cli(*args)
    assert (here.code, here.err) == (2, expected)
    installed = run_command(*args)
    assert (installed.returncode, installed.stderr) == (2, expected)
    assert dump(library_here()) == before
    assert not (tmp_path / os.fsdecode(b"lib\xff")).exists()  # no library made there


@pytest.mark.parametrize("extra, named", [
    ([], "Kari"),  # everyone present is heard on input 1, a room mic
    (["--inputs", "2", "--assign", "2=Kari", "--isolated", "2"], "Nothing can be recorded"),
])
def test_record_asks_consent_before_the_device(cli, tmp_path, band, extra, named):
    """A take refused by consent exits 3 with no device to be found at all; once consent is
    there, the missing device is what stops it (exit 4)."""
    assert cli("consent", "grant", "Ola", "record").code == 0
    before = dump(library_here())
    refused = cli("record", band, "--device", "no-such-interface", *extra)
    assert refused.code == 3
    assert named in refused.err and "no-such-interface" not in refused.err
    assert refused.err.count("\n") == 1
    assert dump(library_here()) == before
    assert cli("consent", "grant", "Kari", "record").code == 0
    assert cli("record", band, "--device", "no-such-interface", *extra).code == 4


def test_a_library_folder_that_cannot_be_written_is_named(cli, tmp_path):
    in_the_way = tmp_path / "file"
    in_the_way.write_text("")
    result = cli("--library", in_the_way / "lib", "participant", "list")
    assert result.code == 1
    assert str(in_the_way / "lib") in result.err and result.err.count("\n") == 1


def test_a_database_from_a_newer_version_is_refused_by_name(cli, tmp_path):
    folder = tmp_path / "newer"
    folder.mkdir()
    db = sqlite3.connect(folder / DATABASE_NAME)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    db.close()
    before = (folder / DATABASE_NAME).read_bytes()
    result = cli("--library", folder, "participant", "add", "Ola")
    assert result.code == 1
    assert str(folder / DATABASE_NAME) in result.err and "newer" in result.err
    assert (folder / DATABASE_NAME).read_bytes() == before


def test_a_corrupt_database_is_refused_by_name(cli, tmp_path):
    folder = tmp_path / "corrupt"
    folder.mkdir()
    (folder / DATABASE_NAME).write_bytes(b"\x00garbage" * 100)
    result = cli("--library", folder, "session", "list")
    assert result.code == 1 and str(folder / DATABASE_NAME) in result.err
    assert (folder / DATABASE_NAME).read_bytes() == b"\x00garbage" * 100


def test_library_option_wins_over_the_environment(cli, tmp_path):
    cli("--library", tmp_path / "other", "participant", "add", "Ola")
    assert cli("participant", "list", "--json").json() == []
    assert len(cli("--library", tmp_path / "other", "participant", "list", "--json").json()) == 1


@pytest.mark.folder_library
def test_the_installed_command_and_python_dash_m_run(tmp_path):
    helped = run_command("--help")
    assert helped.returncode == 0 and "consent" in helped.stdout and "Exit codes" in helped.stdout
    version = subprocess.run([sys.executable, "-m", "mt_studio", "--version"],
                             capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("mt-studio ")
    added = run_command("participant", "add", "Ola", "--json")
    assert added.returncode == 0 and '"pseudonym": "Ola"' in added.stdout
    assert (tmp_path / "library" / DATABASE_NAME).is_file()


def test_preset_list_shows_bundled_presets_and_names_a_malformed_one(cli, tmp_path):
    listed = cli("preset", "list", "--json")
    assert listed.code == 0
    names = {(p["kind"], p["name"]) for p in listed.json()["presets"]}
    assert {("session-template", "band"), ("input-map", "scarlett-18i20"),
            ("export-profile", "share-mix-flac"), ("ending-reasons", "standard")} <= names
    user = tmp_path / "user-presets" / "session-templates"
    user.mkdir(parents=True)
    (user / "band.toml").write_text('format_version = 1\nkind = "session-template"\n'
                                    'name = "band"\ntitle = "Ours"\nsession_kind = "rock"\n')
    broken = cli("preset", "list", "--json")
    assert broken.code == 2
    (problem,) = broken.json()["problems"]
    assert problem.startswith(f"{user / 'band.toml'}:5: ") and "session_kind" in problem
    refused = cli("session", "new", "X", "--template", "band")
    assert refused.code == 2 and f"{user / 'band.toml'}:5:" in refused.err
    assert cli("session", "list", "--json").json() == []
