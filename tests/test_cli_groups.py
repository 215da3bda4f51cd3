"""The command line of the service overview: groups, answers at check-in, endings and the
service report, run as a therapist would type them."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from conftest import library_here
from openpyxl import load_workbook
from pypdf import PdfReader


@pytest.fixture
def band(cli):
    """Ola, Kari and Nils in Onsdagsbandet since 1 January 2026."""
    for name in ("Ola", "Kari", "Nils"):
        assert cli("participant", "add", name).code == 0
    added = cli("group", "add", "Onsdagsbandet", "--kind", "band", "--members", "Ola,Kari,Nils",
                "--date", "2026-01-01", "--json")
    assert added.code == 0
    return added.json()


def test_a_group_is_added_shown_joined_and_left(cli, band):
    assert [m["pseudonym"] for m in band["members"]] == ["Ola", "Kari", "Nils"]
    assert cli("participant", "add", "Åse").code == 0
    assert cli("group", "join", "onsdagsbandet", "Åse", "--date", "2026-03-01").code == 0
    assert cli("group", "leave", "Onsdagsbandet", "Nils", "--date", "2026-04-01").code == 0
    shown = cli("group", "show", str(band["id"]), "--json").json()
    assert {m["pseudonym"]: (m["joined"], m["left"]) for m in shown["members"]} == {
        "Ola": ("2026-01-01", None), "Kari": ("2026-01-01", None),
        "Nils": ("2026-01-01", "2026-04-01"), "Åse": ("2026-03-01", None)}
    listed = cli("group", "list").out
    assert "Onsdagsbandet" in listed and "band" in listed


def test_a_groups_session_expects_its_members_and_keeps_their_answers(cli, band):
    made = cli("session", "new", "Band practice", "--group", "Onsdagsbandet",
               "--date", "2026-01-07", "--json")
    assert made.code == 0 and made.json()["kind"] == "band"
    session_id = made.json()["id"]
    shown = cli("session", "show", str(session_id), "--json").json()
    assert shown["participants"] == ["Kari", "Nils", "Ola"] and shown["group_id"] == band["id"]
    answered = cli("session", "attend", str(session_id), "--present", "Ola",
                   "--sent-word", "Kari", "--json")
    assert answered.code == 0
    assert answered.json() == [{"pseudonym": "Kari", "answer": "sent_word"},
                               {"pseudonym": "Nils", "answer": "absent"},
                               {"pseudonym": "Ola", "answer": "present"}]
    assert cli("session", "show", str(session_id), "--json").json()["participants"] == ["Ola"]


def test_someone_who_misses_three_sessions_may_have_stopped_until_an_ending(cli, band):
    for week, present in enumerate(["Ola,Kari,Nils", "Ola,Kari,Nils", "Ola,Kari", "Ola,Kari",
                                    "Ola,Kari"]):
        made = cli("session", "new", f"Week {week}", "--group", "Onsdagsbandet",
                   "--date", str(date(2026, 1, 7) + timedelta(weeks=week)), "--json").json()
        assert cli("session", "attend", str(made["id"]), "--present", present).code == 0
    stopped = cli("participant", "stopped", "--json").json()
    assert stopped == [{"pseudonym": "Nils", "sign": "missed_group", "group": "Onsdagsbandet",
                        "last_came": "2026-01-14"}]
    assert "missed the last 3 sessions of Onsdagsbandet" in cli("participant", "stopped").out
    ended = cli("participant", "end", "Nils", "--reason", "community", "--detail", "choir",
                "--date", "2026-02-10", "--note", "Joined the church choir")
    assert ended.code == 0
    assert "Moved on to music in the community" in ended.out
    assert cli("participant", "stopped", "--json").json() == []
    figures = cli("report", "service", "--from", "2026-01-01", "--to", "2026-12-31",
                  "--format", "json").json()
    assert figures["endings_by_reason"] == {"community": 1}
    assert figures["community_endings"] == {"choir": 1}
    assert figures["sessions_by_kind"]["band"] == 5
    (group,) = figures["groups"]
    assert (group["sessions"], group["present"], group["expected"]) == (5, 12, 15)
    assert "Nils" not in json.dumps(figures)
    assert cli("participant", "resume", "Nils", "--date", "2026-03-01").code == 0
    assert cli("report", "service", "--from", "2026-01-01", "--to", "2026-12-31",
               "--format", "json").json()["endings_by_reason"] == {}


def test_the_report_is_written_as_a_pdf_and_a_spreadsheet_with_small_counts_hidden(
        cli, band, tmp_path):
    made = cli("session", "new", "Week 1", "--group", "Onsdagsbandet", "--date", "2026-01-07",
               "--json").json()
    assert cli("session", "attend", str(made["id"]), "--present", "Ola,Kari,Nils").code == 0
    pdf, sheet = tmp_path / "report.pdf", tmp_path / "report.xlsx"
    for path in (pdf, sheet):
        done = cli("report", "service", "--from", "2026-01-01", "--to", "2026-06-30",
                   "--format", path.suffix[1:], "--out", path)
        assert done.code == 0 and str(path) in done.out
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Onsdagsbandet" in text and "Ola" not in text
    values = [cell for row in load_workbook(sheet)["Report"].iter_rows(values_only=True)
              for cell in row]
    assert 3 in values  # three people in group therapy: shown as they are
    assert cli("report", "service", "--format", "pdf").code == 2  # a file needs --out


@pytest.mark.parametrize("args, words", [
    (("group", "add", "onsdagsbandet", "--kind", "choir"), "already exists"),
    (("group", "join", "Onsdagsbandet", "Ola"), "already a member"),
    (("group", "show", "Tirsdagsbandet"), "No group called 'Tirsdagsbandet'"),
    (("participant", "end", "Ola", "--reason", "bored"), "no ending reason 'bored'"),
    (("participant", "end", "Ola", "--reason", "moved_away", "--date", "2025-12-31"),
     "is before that"),
    (("participant", "end", "Ola", "--reason", "moved_away", "--detail", "band"),
     "takes no detail"),
    (("participant", "resume", "Ola"), "has not ended"),
    (("report", "service", "--from", "2026-02-01", "--to", "2026-01-01"), "before it starts"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(cli, band, tmp_path, args, words):
    from tests.test_cli import dump

    before = dump(library_here())
    result = cli(*args)
    assert result.code == 2
    assert words in result.err and result.err.count("\n") == 1
    assert dump(library_here()) == before
