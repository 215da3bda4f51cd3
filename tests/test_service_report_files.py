"""The service report's forms: exact figures in the terminal text and JSON, and in the CSV,
spreadsheet and PDF counts from 1 to 2 shown as "<3" unless the admin chose otherwise; each
file read back with the library a reader would use, and bad paths refused whole."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import subprocess
from datetime import UTC, date, datetime

import openpyxl
import pytest
from pypdf import PdfReader

from mt_studio.core.domain.service_report import (
    GroupFigures,
    MonthlyAttendance,
    Period,
    QuarterFigures,
    ServiceReport,
)
from mt_studio.core.errors import InputError
from mt_studio.core.service_report.files import report_bytes, write_report
from mt_studio.core.service_report.json_form import report_json
from mt_studio.core.service_report.layout import report_layout
from mt_studio.core.service_report.text import report_text

BAND, CHOIR = "Bandet Ærlig Øving", "Koret på Åsen"


def small_report(*, show: bool = False) -> ServiceReport:
    """A year with some counts of 1 and 2: both (2), new starters (1), the choir's two
    sessions of two expected, two endings "moved away", two exports to Kulturhuset kor."""
    months = tuple(MonthlyAttendance(name, date(2026, m, 1), expected - m % 2, expected)
                   for name, expected in ((BAND, 6), (CHOIR, 2)) for m in range(1, 13))
    return ServiceReport(
        period=Period(date(2026, 1, 1), date(2026, 12, 31)),
        made_at=datetime(2027, 1, 4, 9, 30, tzinfo=UTC),
        individual_participants=38, group_participants=19, both=2, participants=55,
        new_starters=1,
        sessions_by_kind={"band": 44, "choir": 2, "individual": 310},
        groups=(GroupFigures(1, BAND, "band", 44, 200, 264, 6),
                GroupFigures(2, CHOIR, "choir", 2, 1, 2, 0)),
        endings_by_reason={"completed": 7, "community": 4, "moved_away": 2, "lost_contact": 5,
                           "mystery": 3},
        lost_contact=5, flagged_not_followed_up=0,
        community_endings={"band": 3, "choir": 1},
        community_exports={"Kulturhuset kor": 2, "Musikkskolen": 9},
        songs_written=23, takes_recorded=412, hours_recorded=61.26,
        quarters=(QuarterFigures(2026, 1, 20, 12), QuarterFigures(2026, 2, 2, 14)),
        attendance_by_month=months,
        reason_labels={"completed": "Completed as planned", "moved_away": "Moved away",
                       "community": "Moved on to music in the community",
                       "lost_contact": "Lost contact"},
        detail_labels={"band": "Band", "choir": "Choir"},
        show_small_counts=show)


def csv_rows(report: ServiceReport) -> dict[tuple[str, str], str]:
    data = report_bytes(report, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 then
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Item", "Value"]
    return {(section, item): value for section, item, value in rows[1:]}


def test_json_has_exact_figures_under_the_reports_own_field_names():
    data = json.loads(json.dumps(report_json(small_report())))
    assert data["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert data["both"] == 2 and data["new_starters"] == 1 and data["drop_outs"] == 5
    assert data["community_groups"] == ["Kulturhuset kor", "Musikkskolen"]
    assert data["groups"][1] == {"group_id": 2, "name": CHOIR, "kind": "choir", "sessions": 2,
                                 "present": 1, "expected": 2, "members_at_end": 0,
                                 "attendance_rate": 0.5}
    assert data["quarters"][1] == {"year": 2026, "quarter": 2, "individual": 2, "group": 14}
    assert data["attendance_by_month"][0] == {"group_name": BAND, "month": "2026-01-01",
                                              "present": 5, "expected": 6, "rate": 5 / 6}
    assert data["endings_by_reason"]["moved_away"] == 2 and data["hours_recorded"] == 61.26


def test_the_terminal_text_is_exact_and_fits_100_columns():
    text = report_text(small_report())
    assert max(len(line) for line in text.splitlines()) <= 100
    assert re.search(r"In both +2\n", text) and re.search(r"New starters +1\n", text)
    assert re.search(rf"{CHOIR} +2 +50% +0\n", text)
    assert "<3" not in text and "Hours recorded  61.3" in text


def test_the_csv_hides_counts_of_one_and_two_and_keeps_nought():
    rows = csv_rows(small_report())
    assert rows["People", "In both"] == "<3" and rows["People", "New starters"] == "<3"
    assert rows["People", "In individual therapy"] == "38"
    assert rows["Sessions", f"{CHOIR}: Sessions"] == "<3"
    assert rows["Sessions", f"{CHOIR}: Attendance"] == "<3"  # 1 of 2 would tell the count
    assert rows["Sessions", f"{CHOIR}: Members at the end"] == "0"
    assert rows["Sessions", f"{BAND}: Attendance"] == "76%"
    assert rows["Endings and drop-outs", "Endings by reason: Moved away"] == "<3"
    assert rows["Endings and drop-outs", "Endings by reason: mystery"] == "3"  # key, no label
    assert rows["Endings and drop-outs", "May have stopped, not followed up"] == "0"
    community = "The way into community music"
    assert rows[community, "Exports for the community, by recipient: Kulturhuset kor"] == "<3"
    assert rows[community, "Community groups worked with"] == "Kulturhuset kor, Musikkskolen"
    assert rows["Service report", "Note"] == (
        "No names: counts under 3 show as <3, and a total that would tell one as *")
    # 38 + 19 - 55 would tell "both": the total is withheld; 5 + 0 tells nothing small
    assert rows["People", "All participants"] == "*"
    assert rows["Endings and drop-outs", "Drop-outs in all"] == "5"


def test_a_total_is_withheld_when_subtracting_would_tell_a_small_count():
    from dataclasses import replace

    rows = csv_rows(replace(small_report(), both=0, lost_contact=2, flagged_not_followed_up=4))
    assert rows["People", "All participants"] == "55"
    assert rows["Endings and drop-outs", "Lost contact"] == "<3"
    assert rows["Endings and drop-outs", "Drop-outs in all"] == "*"
    assert csv_rows(replace(small_report(show=True), lost_contact=2, flagged_not_followed_up=4))[
        "Endings and drop-outs", "Drop-outs in all"] == "6"


def test_the_csv_shows_exact_counts_when_the_admin_chose_so():
    rows = csv_rows(small_report(show=True))
    assert rows["People", "In both"] == "2"
    assert rows["Sessions", f"{CHOIR}: Attendance"] == "50%"
    assert "<3" not in "".join(rows.values())


def test_the_spreadsheet_has_numbers_as_numbers_and_small_counts_as_text(tmp_path):
    path = write_report(small_report(), tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Report", "Participants by quarter", "Attendance by month"]
    values = {row[0]: row[1:] for row in book["Report"].iter_rows(values_only=True) if row[0]}
    assert values["In individual therapy"][0] == 38
    assert values["In both"][0] == "<3" and values["New starters"][0] == "<3"
    assert values[BAND][:3] == (44, pytest.approx(200 / 264), 6)
    assert values[CHOIR][:3] == ("<3", "<3", 0)
    assert values["Hours recorded"][0] == 61.3
    assert book["Report"]["A7"].font.bold is False and book["Report"]["A6"].font.bold
    quarters = list(book["Participants by quarter"].iter_rows(values_only=True))
    assert quarters[1:] == [("2026 Q1", 20, 12), ("2026 Q2", "<3", 14)]
    months = list(book["Attendance by month"].iter_rows(values_only=True))
    assert months[0] == ("Month", BAND, CHOIR)
    assert months[1] == (datetime(2026, 1, 1), pytest.approx(5 / 6), "<3")
    assert book["Report"].column_dimensions["A"].width >= len("Moved on to music in the community")


def test_the_spreadsheet_is_exact_when_the_admin_chose_so(tmp_path):
    book = openpyxl.load_workbook(write_report(small_report(show=True), tmp_path / "r.xlsx"))
    values = {row[0]: row[1:] for row in book["Report"].iter_rows(values_only=True) if row[0]}
    assert values["In both"][0] == 2 and values[CHOIR][:3] == (2, 0.5, 0)
    assert list(book["Participants by quarter"].iter_rows(values_only=True))[2][1] == 2


def pdf_text(path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def after(text: str, label: str, count: int = 1) -> list[str]:
    """The COUNT lines that follow the first line that is LABEL: a table row's values, as
    pypdf reads them out."""
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index(label) + 1
    return lines[start:start + count]


def test_the_pdf_shows_the_sections_the_period_and_groups_and_hides_small_counts(tmp_path):
    pages, text = pdf_text(write_report(small_report(), tmp_path / "report.pdf"))
    assert 2 <= pages <= 4
    for words in ("Service report", "1 Jan 2026 – 31 Dec 2026", "People", "Sessions",
                  "Endings and drop-outs", "The way into community music", "Music made",
                  BAND, CHOIR, "Kulturhuset kor", "Participants per quarter",
                  "Attendance by month", f"Page 1 of {pages}",
                  "No names: counts under 3 show as <3"):
        assert words in text
    for label in ("In both", "New starters", "Moved away", "Kulturhuset kor"):
        assert after(text, label) == ["<3"]
    assert after(text, CHOIR, 3) == ["<3", "<3", "0"]
    # the chart's bar labels: individual 20 and 2, group 12 and 14
    assert after(text, "Participants per quarter", 6) == [
        "20", "<3", "12", "14", "2026 Q1", "2026 Q2"]


def test_the_pdf_is_exact_when_the_admin_chose_so(tmp_path):
    _pages, text = pdf_text(write_report(small_report(show=True), tmp_path / "report.pdf"))
    assert after(text, "In both") == ["2"] and after(text, "New starters") == ["1"]
    assert after(text, CHOIR, 3) == ["2", "50%", "0"]
    assert "<3" not in text and "Small counts are shown exactly" in text


def test_the_pdfs_first_page_renders(tmp_path):
    path = write_report(small_report(), tmp_path / "report.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True, timeout=60)
    assert (tmp_path / "page-1.png").stat().st_size > 5000


def test_the_layout_names_nothing_but_what_the_report_holds():
    """No participant can appear: the report has no field for one, and every label the layout
    shows is either its own words or a string the report carries."""
    assert {f.name for f in dataclasses.fields(ServiceReport)} == {
        "period", "made_at", "individual_participants", "group_participants", "both",
        "participants", "new_starters", "sessions_by_kind", "groups", "endings_by_reason",
        "lost_contact", "flagged_not_followed_up", "community_endings", "community_exports",
        "songs_written", "takes_recorded", "hours_recorded", "quarters",
        "attendance_by_month", "reason_labels", "detail_labels", "show_small_counts"}
    report = small_report()
    carried = {BAND, CHOIR, "Kulturhuset kor", "Musikkskolen", "mystery",
               *report.reason_labels.values(), *report.detail_labels.values()}
    own = {"Band", "Choir", "Individual"}
    for section in report_layout(dataclasses.replace(
            report, endings_by_reason={}, community_endings={}, community_exports={},
            groups=(), sessions_by_kind={})).sections:
        own |= {row.label for row in section.rows}
    layout = report_layout(report)
    for section in layout.sections:
        for row in section.rows:
            assert row.label in (carried if row.level else own)
            if row.figure.kind == "words" and row.figure.value not in ("", "none"):
                assert set(str(row.figure.value).split(", ")) <= carried
        for label, _figures in (section.table.rows if section.table else ()):
            assert label in carried


def test_the_written_file_is_private_and_replaces_one_there(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("old")
    path.chmod(0o644)
    write_report(small_report(), path)
    assert path.read_bytes() == report_bytes(small_report(), "csv")
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]
    assert write_report(small_report(), tmp_path / "out", "json").read_text().startswith("{")


@pytest.mark.parametrize(("name", "format", "words"), [
    ("missing/report.pdf", None, "does not exist"),
    ("a-folder", "pdf", "is a folder"),
    ("report.pdf", "docx", "Unknown report format 'docx'"),
    ("report.odt", None, "a service report is written as"),
])
def test_a_bad_path_or_format_is_refused_naming_it_and_leaves_nothing(tmp_path, name, format,
                                                                     words):
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(InputError, match=re.escape(words)) as refused:
        write_report(small_report(), tmp_path / name, format)
    if format != "docx":
        assert str(tmp_path / name) in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder"]
    assert list((tmp_path / "a-folder").iterdir()) == []
