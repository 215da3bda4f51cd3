"""Bad input to groups, courses and the service report: a one-line error naming what was wrong,
and nothing changed (the groups, the course, the audit log)."""

from __future__ import annotations

from datetime import date

import pytest
import service_story as story_
from service_story import BAND, NOW

from mt_studio.core.domain.service_report import Period
from mt_studio.core.errors import InputError


@pytest.fixture
def story(studio, library, tmp_path):
    return story_.build(studio, library, tmp_path)


def state(studio, library, story) -> tuple:
    """What bad input must not change."""
    (audit_rows,) = library.connection.execute("SELECT count(*) FROM audit_log").fetchone()
    courses = {role: studio.courses.course(story.ids[role]) for role in ("B01", "I16")}
    return studio.groups.all(), courses, len(studio.sessions.all()), audit_rows


CASES = {
    "an unknown group": (lambda studio, story: studio.groups.find("Fredagsbandet"),
                         ["Fredagsbandet"]),
    "a session of an unknown group": (
        lambda studio, story: studio.sessions.create("Øving", None, on=date(2025, 12, 30),
                                                     group_id=99), ["99"]),
    "an unknown ending reason": (
        lambda studio, story: studio.courses.end(story.ids["I16"], "retired",
                                                 on=date(2025, 12, 20), now=NOW),
        ["retired", "completed", "lost_contact"]),
    "an unknown detail of music in the community": (
        lambda studio, story: studio.courses.end(story.ids["I16"], "community", detail="opera",
                                                 on=date(2025, 12, 20), now=NOW),
        ["opera", "music_school"]),
    "an ending before the first session": (
        lambda studio, story: studio.courses.end(story.ids["I16"], "completed",
                                                 on=date(2024, 11, 1), now=NOW),
        ["I16", "5 Nov 2024", "1 Nov 2024"]),
    "a period whose end is before its start": (
        lambda studio, story: studio.reports.service(
            Period(date(2025, 12, 31), date(2025, 1, 1)), now=NOW),
        ["31 Dec 2025", "1 Jan 2025"]),
    "a member joining twice": (
        lambda studio, story: studio.groups.join(story.band_id, story.ids["B01"],
                                                 on=date(2025, 6, 1)),
        ["B01", BAND, "2024-11-01"]),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_naming_it_and_changes_nothing(studio, library, story, case):
    attempt, named = CASES[case]
    before = state(studio, library, story)
    with pytest.raises(InputError) as refused:
        attempt(studio, story)
    message = str(refused.value)
    assert "\n" not in message
    for thing in named:
        assert story.pseudonyms.get(thing, thing) in message, (thing, message)
    assert state(studio, library, story) == before


CLI_CASES = {
    "an unknown group": (["group", "join", "Fredagsbandet", "B01"], ["Fredagsbandet"]),
    "an unknown ending reason": (
        ["participant", "end", "I16", "--reason", "retired", "--date", "2025-12-20"],
        ["retired"]),
    "an ending before the first session": (
        ["participant", "end", "I16", "--reason", "completed", "--date", "2024-11-01"],
        ["I16", "1 Nov 2024"]),
    "a period whose end is before its start": (
        ["report", "service", "--from", "2025-12-31", "--to", "2025-01-01", "--format", "json"],
        ["31 Dec 2025"]),
    "a member joining twice": (["group", "join", BAND, "B01", "--date", "2025-06-01"],
                               ["B01", BAND]),
}


@pytest.mark.parametrize("case", CLI_CASES)
def test_bad_input_on_the_command_line_exits_2_with_one_line_and_changes_nothing(
        studio, library, story, cli, case):
    args, named = CLI_CASES[case]
    before = state(studio, library, story)
    result = cli(*(story.pseudonyms.get(arg, arg) for arg in args))
    assert result.code == 2
    assert result.out == ""
    message = result.err.strip()
    assert message and "\n" not in message, result.err
    for thing in named:
        assert story.pseudonyms.get(thing, thing) in message, (thing, message)
    assert state(studio, library, story) == before
