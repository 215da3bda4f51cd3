"""The service report checked figure by figure on a year with known answers
(tests/service_story.py), with the "may have stopped" list and participants' pages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
import service_story as story_
from service_story import BAND, CHOIR, NOW, PERIOD

from mt_studio.core.domain.groups import Answer, StopSign
from mt_studio.core.domain.service_report import Period
from mt_studio.core.service_report.json_form import report_json


@pytest.fixture
def story(studio, library, tmp_path):
    return story_.build(studio, library, tmp_path)


@pytest.fixture
def report(studio, story):
    return studio.reports.service(PERIOD, now=NOW)


def test_unique_participants_in_individual_therapy_and_in_groups(report):
    assert (report.individual_participants, report.group_participants, report.both,
            report.participants) == (38, 19, 5, 52)
    assert report.new_starters == 42


def test_sessions_by_kind_and_group_and_attendance_per_group(report):
    assert report.sessions_by_kind == {"band": 14, "choir": 9, "individual": 93}
    groups = {g.name: g for g in report.groups}
    assert {name: (g.kind, g.sessions, g.present, g.expected, g.members_at_end)
            for name, g in groups.items()} == {BAND: ("band", 14, 149, 155, 10),
                                               CHOIR: ("choir", 9, 77, 81, 9)}
    assert groups[BAND].attendance_rate == pytest.approx(149 / 155)
    assert groups[CHOIR].attendance_rate == pytest.approx(77 / 81)


def test_endings_by_reason_and_drop_outs(report):
    assert report.endings_by_reason == {"community": 4, "completed": 4, "lost_contact": 2,
                                        "moved_away": 1, "work_or_education": 1}
    assert list(report.endings_by_reason) == ["community", "completed", "lost_contact",
                                              "moved_away", "work_or_education"]
    assert report.lost_contact == 2
    assert report.flagged_not_followed_up == 2
    assert report.drop_outs == 4


def test_the_way_into_community_music(report):
    assert report.community_endings == {"band": 2, "choir": 1, "music_school": 1}
    assert report.community_exports == {"Bydelskoret Sagene": 1, "Kulturhuset": 2}
    assert report.community_groups == ("Bydelskoret Sagene", "Kulturhuset")


def test_music_made(report):
    assert report.songs_written == 3
    assert report.takes_recorded == 2
    assert report.hours_recorded == pytest.approx(1.5 / 3600)


def test_participants_per_quarter_and_attendance_by_month(report):
    assert [(q.year, q.quarter, q.individual, q.group) for q in report.quarters] == [
        (2025, 1, 14, 0), (2025, 2, 2, 0), (2025, 3, 21, 0), (2025, 4, 22, 19)]
    assert [(m.group_name, m.month, m.present, m.expected)
            for m in report.attendance_by_month] == [
        (CHOIR, date(2025, 11, 1), 35, 36), (CHOIR, date(2025, 12, 1), 42, 45),
        (BAND, date(2025, 10, 1), 59, 60), (BAND, date(2025, 11, 1), 43, 44),
        (BAND, date(2025, 12, 1), 47, 51)]


def test_the_year_before_is_counted_on_its_own(studio, story):
    before = studio.reports.service(Period(date(2024, 1, 1), date(2024, 12, 31)), now=NOW)
    assert (before.individual_participants, before.group_participants, before.both,
            before.new_starters) == (6, 6, 0, 12)
    assert before.sessions_by_kind == {"band": 3, "choir": 0, "individual": 7}
    assert before.endings_by_reason == {"completed": 1}
    assert before.community_exports == {"Kulturhuset": 1}
    assert (before.songs_written, before.takes_recorded) == (1, 1)
    assert before.flagged_not_followed_up == 0


def test_who_may_have_stopped(studio, story):
    found = studio.courses.may_have_stopped(now=NOW)
    role = {participant_id: name for name, participant_id in story.ids.items()}
    assert [(role[f.participant_id], f.pseudonym, f.sign, f.group_name, f.last_came)
            for f in found] == sorted([
                ("B03", story.pseudonyms["B03"], StopSign.MISSED_GROUP, BAND,
                 date(2025, 12, 10)),
                ("I01", story.pseudonyms["I01"], StopSign.NO_INDIVIDUAL, None,
                 date(2025, 11, 12))], key=lambda f: f[1].casefold())
    flagged = {role[f.participant_id] for f in found}
    assert not flagged & set(story_.NOT_FLAGGED)


def test_a_week_sooner_nobody_had_missed_three_in_a_row(studio, story):
    found = studio.courses.may_have_stopped(now=NOW.replace(day=16))
    role = {participant_id: name for name, participant_id in story.ids.items()}
    # I32 and I33's December sessions are still to come; their last was in October
    assert sorted(role[f.participant_id] for f in found) == ["I32", "I33"]


def test_the_participant_page_of_someone_who_missed_the_band(studio, story):
    page = studio.reports.participant_page(story.ids["B03"], now=NOW)
    assert page.participant.pseudonym == story.pseudonyms["B03"]
    assert len(page.sessions) == 17 and page.came == 14
    assert [(s.day, s.answer) for s in page.sessions[:4]] == [
        (date(2025, 12, 31), Answer.ABSENT), (date(2025, 12, 24), Answer.ABSENT),
        (date(2025, 12, 17), Answer.ABSENT), (date(2025, 12, 10), Answer.PRESENT)]
    assert {s.group_name for s in page.sessions} == {BAND}
    assert [(name, m.joined, m.left) for name, m in page.groups] == [
        (BAND, date(2024, 11, 1), None)]
    assert page.course == ()
    assert page.may_have_stopped.sign is StopSign.MISSED_GROUP


def test_the_participant_page_shows_an_ending_and_its_note(studio, story):
    page = studio.reports.participant_page(story.ids["I03"], now=NOW)
    assert [(e.mark.value, e.on, e.reason, e.note) for e in page.course] == [
        ("ended", date(2025, 10, 22), "lost_contact", story_.LOST_CONTACT_NOTE)]
    assert page.came == 2 and page.may_have_stopped is None


def test_the_report_names_nobody(report, story):
    text = json.dumps(report_json(report), ensure_ascii=False)
    assert [name for name in story.forbidden() if name in text] == []
    assert BAND in text  # the service's own groups are named, its people are not


def test_the_command_lines_json_gives_the_same_figures_and_no_names(cli, report, story):
    result = cli("report", "service", "--from", "2025-01-01", "--to", "2025-12-31",
                 "--format", "json")
    assert result.code == 0, result.err
    data = result.json()
    assert (data["individual_participants"], data["group_participants"], data["both"],
            data["participants"], data["new_starters"]) == (38, 19, 5, 52, 42)
    assert data["sessions_by_kind"] == {"band": 14, "choir": 9, "individual": 93}
    assert {g["name"]: (g["sessions"], g["present"], g["expected"], g["attendance_rate"])
            for g in data["groups"]} == {BAND: (14, 149, 155, pytest.approx(149 / 155)),
                                         CHOIR: (9, 77, 81, pytest.approx(77 / 81))}
    assert (data["endings_by_reason"], data["community_endings"], data["lost_contact"],
            data["flagged_not_followed_up"], data["drop_outs"]) == (
        story_.ENDINGS_BY_REASON, story_.COMMUNITY_ENDINGS, 2, 2, 4)
    assert data["community_groups"] == ["Bydelskoret Sagene", "Kulturhuset"]
    assert (data["songs_written"], data["takes_recorded"]) == (3, 2)
    expected = report_json(report)
    assert {k: v for k, v in data.items() if k != "made_at"} == {
        k: v for k, v in expected.items() if k != "made_at"}
    assert [name for name in story.forbidden() if name in result.out] == []


def test_the_views_overview_is_the_report_and_the_flags_from_one_reading(studio, story):
    report, stopped, rules = studio.reports.overview(PERIOD, now=NOW)
    looks = [e.action for e in studio.audit.entries()]
    assert "course.may_have_stopped_shown" in looks and "report.service_made" in looks
    assert report == replace(studio.reports.service(PERIOD, now=NOW), made_at=report.made_at)
    assert stopped == studio.courses.may_have_stopped(now=NOW)
    assert rules == studio.courses.rules()
