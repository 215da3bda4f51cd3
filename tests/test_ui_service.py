"""The Service view: the service's figures for a period (exact on screen), its charts, who may
have stopped coming with an ending or "still with us" for each, a participant's page, and the
report saved as a file; all through the studio, on a real library (tests/service_view_story.py)."""

from __future__ import annotations

from datetime import date

import pytest
from service_view_story import NOW, build_service

from mt_studio import i18n
from mt_studio.core.domain.accounts import Role
from mt_studio.core.domain.groups import CourseMark
from mt_studio.core.errors import AccessRefused
from mt_studio.core.studio import Studio
from mt_studio.ui.bridge import StudioBridge
from mt_studio.ui.common.error_reporter import ErrorReporter
from mt_studio.ui.service.participant_page import ParticipantChooser, tree_rows
from mt_studio.ui.service.periods import Choice
from mt_studio.ui.service.service_view import ServiceView


@pytest.fixture(autouse=True)
def english():
    i18n.use_language("en")
    yield
    i18n.use_language("en")


@pytest.fixture
def story(studio):
    return build_service(studio)


def service_view(qtbot, studio) -> ServiceView:
    """The view on STUDIO with today 30 Nov 2026, its figures made."""
    bridge = StudioBridge(studio)
    reporter = ErrorReporter()
    reporter.seen = []
    reporter.report_exception = lambda kind, error, trace: reporter.seen.append(error)
    view = ServiceView(studio, bridge, reporter, clock=lambda: NOW)
    view.bridge = bridge  # kept alive with the view
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: not view.making, timeout=10000)
    return view


def shown(qtbot, view: ServiceView, choice: Choice, start=None, end=None) -> None:
    view.choose(choice, start, end)
    qtbot.waitUntil(lambda: not view.making, timeout=10000)


def stopped_rows(view: ServiceView) -> list[list[str]]:
    return tree_rows(view.stopped.list.rows)


def test_the_figures_of_a_known_history_show_exactly_and_change_with_the_period(
        qtbot, studio, story):
    view = service_view(qtbot, studio)
    shown(qtbot, view, Choice.CHOSEN, date(2026, 9, 1), date(2026, 11, 30))
    panel = view.panel
    people = {label: panel.value("people", label) for label in (
        "In individual therapy", "In group therapy", "In both", "All participants",
        "New starters")}
    assert people == {"In individual therapy": "2", "In group therapy": "3", "In both": "1",
                      "All participants": "4", "New starters": "4"}  # exact: no "<3" here
    assert panel.value("sessions", "Band") == "13"
    assert panel.value("sessions", "Individual") == "3"
    assert panel.cell("sessions", "Onsdagsbandet", "Attendance") == "87%"  # 34 of 39
    assert panel.cell("sessions", "Onsdagsbandet", "Members at the end") == "3"
    assert panel.value("endings", "May have stopped, not followed up") == "2"
    assert panel.value("music", "Hours recorded") == "0.0"
    assert view.period_line.text() == "1 Sept 2026 – 30 Nov 2026"
    quarters, attendance, endings = view.charts
    assert quarters.series_names == ["Individual therapy", "Group therapy"]
    assert attendance.series_names == ["Onsdagsbandet"]
    assert endings.series_names == []  # nobody has an ending yet
    shown(qtbot, view, Choice.SINCE_START)
    assert (view.start.date().toPyDate(), view.end.date().toPyDate()) == (
        date(2026, 8, 10), date(2026, 11, 30))
    assert panel.value("people", "In individual therapy") == "3"
    assert panel.value("people", "All participants") == "5"
    shown(qtbot, view, Choice.LAST_YEAR)
    assert view.period_line.text() == "1 Jan 2025 – 31 Dec 2025"
    assert panel.value("people", "All participants") == "0"
    assert quarters.series_names == attendance.series_names == []
    assert "Kometen" not in str(view.figures.layout) and "Solstråle" not in str(
        view.figures.layout)


def test_a_period_that_ends_before_it_starts_is_said_in_words(qtbot, studio, story):
    view = service_view(qtbot, studio)
    shown(qtbot, view, Choice.CHOSEN, date(2026, 11, 30), date(2026, 9, 1))
    assert view.message.text() == (
        "The period ends on 1 Sept 2026, before it starts on 30 Nov 2026.")
    assert view.reporter.seen == []


def test_the_stopped_list_says_why_and_still_with_us_takes_someone_off(qtbot, studio, story):
    view = service_view(qtbot, studio)
    assert stopped_rows(view) == [
        ["Kometen", "Missed the last 3 sessions of Onsdagsbandet", "28 Oct 2026"],
        ["Solstråle", "No individual session for 6 weeks or more", "24 Aug 2026"]]
    assert view.tabs.tabText(2) == "May have stopped coming (2)"
    listing = view.stopped.list
    assert not listing.still_button.isEnabled()
    listing.choose(story.kometen)
    listing.still_button.click()
    qtbot.waitUntil(lambda: [r[0] for r in stopped_rows(view)] == ["Solstråle"],
                    timeout=10000)
    assert [f.pseudonym for f in studio.courses.may_have_stopped(now=NOW)] == ["Solstråle"]
    assert studio.courses.course(story.kometen)[-1].mark is CourseMark.STILL_WITH_US


def test_the_ending_dialog_records_an_ending_with_reason_and_detail(qtbot, studio, story):
    view = service_view(qtbot, studio)
    view.stopped.list.choose(story.solstraale)
    view.stopped.list.end_button.click()
    dialog = view.stopped.ending
    assert dialog is not None and dialog.isVisible()
    assert [dialog.reason.itemText(n) for n in range(dialog.reason.count())][:2] == [
        "Completed as planned", "Moved on to music in the community"]
    dialog.choose("completed")
    assert dialog.detail.isHidden()
    dialog.choose("community", "choir", on=date(2026, 8, 1), note="Sings in Bydelskoret")
    assert not dialog.detail.isHidden()
    dialog.accept()  # before they first came: refused, said, nothing lost
    assert dialog.isVisible()
    assert "first joined or came on 10 Aug 2026: 1 Aug 2026 is before that" in dialog.problem.text()
    assert dialog.note.text() == "Sings in Bydelskoret"
    assert studio.courses.course(story.solstraale) == []
    dialog.day.setDate(date(2026, 11, 20))
    dialog.accept()
    assert not dialog.isVisible()
    ended = studio.courses.course(story.solstraale)
    assert [(e.mark, e.on, e.reason, e.detail, e.note) for e in ended] == [
        (CourseMark.ENDED, date(2026, 11, 20), "community", "choir", "Sings in Bydelskoret")]
    qtbot.waitUntil(lambda: [r[0] for r in stopped_rows(view)] == ["Kometen"], timeout=10000)
    qtbot.waitUntil(lambda: view.charts[2].series_names == [
        "Moved on to music in the community"], timeout=10000)
    assert view.panel.value("community", "Choir") == "1"


def test_the_participant_page_shows_sessions_answers_consent_and_course(qtbot, studio, story):
    view = service_view(qtbot, studio)
    studio.courses.still_with_us(story.kometen, on=date(2026, 11, 26), now=NOW)
    page = view.stopped.open_page(story.kometen)
    qtbot.addWidget(page)
    assert page.windowTitle() == "Kometen's page"
    sessions = tree_rows(page.sessions)
    assert len(sessions) == 13
    assert sessions[0] == ["25 Nov 2026", "Onsdagsbandet", "Onsdagsbandet", "Did not come"]
    assert sessions[1][3] == "Sent word" and sessions[-1][3] == "Came"
    assert "Came to 9 of the 13 sessions" in page.summary.text()
    assert "Course: Still with us (26 Nov 2026)." in page.summary.text()
    assert tree_rows(page.groups) == [["Onsdagsbandet", "1 Sept 2026", "still a member"]]
    assert tree_rows(page.songs) == [["Vinterlys", ""]]
    assert [row[1] for row in tree_rows(page.consent)] == [
        "Gave consent: Record", "Gave consent: Community", "Withdrew consent: Community"]
    assert [row[1] for row in tree_rows(page.course)] == ["Still with us"]
    solstraale = view.stopped.open_page(story.solstraale)
    qtbot.addWidget(solstraale)
    assert ("May have stopped coming: No individual session for 6 weeks or more; last came "
            "24 Aug 2026.") in solstraale.summary.text()


def test_the_chooser_finds_someone_by_part_of_their_pseudonym(qtbot, studio, story):
    chooser = ParticipantChooser(studio)
    qtbot.addWidget(chooser)
    assert chooser.chosen() is None
    chooser.search.setText("STRÅ")
    assert chooser.chosen() == story.solstraale


def test_save_as_pdf_and_spreadsheet_write_the_report_through_the_studio(
        qtbot, studio, story, tmp_path):
    from openpyxl import load_workbook

    view = service_view(qtbot, studio)
    shown(qtbot, view, Choice.CHOSEN, date(2026, 9, 1), date(2026, 11, 30))
    saving = view.saving
    saving.save_to(tmp_path / "report", "pdf")
    qtbot.waitUntil(lambda: not saving.saving, timeout=20000)
    assert view.reporter.seen == []
    assert saving.line.text() == f"Saved to {tmp_path / 'report.pdf'}"
    assert saving.saved == tmp_path / "report.pdf"
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert saving.line.text() == f"Saved to {tmp_path / 'report.pdf'}"
    saving.save_to(tmp_path / "report.xlsx", "xlsx")
    qtbot.waitUntil(lambda: not saving.saving, timeout=20000)
    cells = [c.value for row in load_workbook(tmp_path / "report.xlsx").active.iter_rows()
             for c in row]
    assert "<3" in cells  # 2 in individual therapy, hidden in what leaves the window
    assert saving.small_counts.isVisibleTo(view)  # no accounts: whoever uses it decides


def test_a_therapist_has_no_preferences_and_a_locked_studio_is_refused(qtbot, tmp_path):
    with Studio.open(tmp_path / "lib") as studio:
        studio.accounts.add("Therese", Role.ADMIN, "a song for every morning")
        studio.sign_in("Therese", "a song for every morning")
        studio.accounts.add("Tor", Role.THERAPIST, "drums before the chorus")
        build_service(studio)
        studio.lock()
        studio.sign_in("Tor", "drums before the chorus")
        view = service_view(qtbot, studio)
        assert view.panel.value("people", "All participants") == "5"  # this year
        assert not view.saving.small_counts.isVisibleTo(view)
        assert not view.stopped.save_rules.isVisibleTo(view)
        studio.lock()
        view.show()
        view.refresh()
        qtbot.waitUntil(lambda: not view.making, timeout=10000)
        assert [type(e) for e in view.reporter.seen] == [AccessRefused]
        assert not view.isVisible()


def test_the_menu_opens_one_view_for_each_window(qtbot, studio, story):
    from mt_studio.ui.main_window import MainWindow
    from mt_studio.ui.service import open_overview

    window = MainWindow(studio, ErrorReporter())
    qtbot.addWidget(window)
    view = open_overview(window)
    assert view.isVisible() and view.parentWidget() is window
    assert view.width() <= 1366 and view.height() <= 768
    assert open_overview(window) is view
    qtbot.waitUntil(lambda: not view.making, timeout=10000)


def test_the_known_year_shows_figure_by_figure_as_the_command_line_gives_it(
        qtbot, studio, library, tmp_path):
    import service_story as known

    story = known.build(studio, library, tmp_path)
    bridge = StudioBridge(studio)
    view = ServiceView(studio, bridge, ErrorReporter(), clock=lambda: known.NOW,
                       choice=Choice.YEAR)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: not view.making, timeout=10000)
    panel = view.panel
    assert [panel.value("people", label) for label in (
        "In individual therapy", "In group therapy", "In both", "All participants",
        "New starters")] == [str(n) for n in (known.INDIVIDUAL, known.GROUPED, known.BOTH,
                                              known.EVERYONE, known.NEW_STARTERS)]
    for kind, count in known.SESSIONS_BY_KIND.items():
        assert panel.value("sessions", kind.capitalize()) == str(count)
    for name, (sessions, present, expected, members) in known.GROUP_FIGURES.items():
        assert panel.cell("sessions", name, "Sessions") == str(sessions)
        assert panel.cell("sessions", name, "Attendance") == f"{round(100 * present / expected)}%"
        assert panel.cell("sessions", name, "Members at the end") == str(members)
    assert panel.value("endings", "Lost contact") == "2"
    assert panel.value("music", "Songs written") == str(known.SONGS_WRITTEN)
    flagged = {row[0] for row in stopped_rows(view)}
    assert flagged == {story.pseudonyms[role] for role in known.FLAGGED}
    assert view.figures.report.community_exports == known.COMMUNITY_EXPORTS
