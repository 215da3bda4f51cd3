"""The window goes on with this computer's library for the day when the service's server is
lost, says so in amber, and moves the day's work in once the server answers again
(ui/common/server_banner.py, ui/common/day_library_keeper.py, core/studio/day_library.py)."""

from __future__ import annotations

from datetime import date

import pytest

from mt_studio.core.domain import SessionKind
from mt_studio.core.studio import Studio, day_library
from mt_studio.ui.app import Shell
from mt_studio.ui.common.error_reporter import ErrorReporter

WAIT_MS = 30_000  # the server's loss is heard within seconds; this is when the test fails


@pytest.fixture
def backend() -> str:
    return "postgresql"


class Reports(ErrorReporter):
    """What the window told the person, kept instead of shown."""

    def __init__(self) -> None:
        super().__init__()
        self.told: list[tuple[str, str]] = []

    def report(self, title: str, message: str) -> None:
        self.told.append((title, message))


def test_the_window_goes_on_with_today_s_library_and_moves_it_in_when_the_server_is_back(
        qtbot, library_location, postgres_server, tmp_path):
    with Studio.open(library_location) as studio:
        studio.sessions.create("Tirsdagsband", SessionKind.BAND, on=date.today())
    reports = Reports()
    shell = Shell(reports, folder=library_location)
    shell.open()
    qtbot.waitUntil(lambda: day_library.is_ready(library_location), timeout=WAIT_MS)
    shell.window.day_keeper.stop()  # its worker is done before the server goes

    postgres_server.stop()
    try:
        banner = shell.window.server_banner
        qtbot.waitUntil(lambda: banner.button.isVisible(), timeout=WAIT_MS)
        assert banner.button.text() == "Go on with today's library"
        shell.window.grab().save(str(tmp_path / "lost.png"))
        banner.button.click()
        qtbot.waitUntil(lambda: shell.window.studio is not None, timeout=WAIT_MS)
        banner = shell.window.server_banner
        assert banner.isVisible() and not banner.button.isVisible()
        assert banner.title.text() == "This is the library for today, on this computer"
        qtbot.waitUntil(lambda: shell.window.windowTitle() == (
            "mt_studio – the library for today, on this computer"), timeout=WAIT_MS)
        assert [row[2] for row in shell.window.sessions.row_texts()] == ["Tirsdagsband"]
        shell.studio.sessions.create_demo()
        assert day_library.is_taken(library_location)
    finally:
        postgres_server.start()

    qtbot.waitUntil(lambda: banner.button.isVisible(), timeout=WAIT_MS)
    assert banner.button.text() == "Move today's work in"
    shell.window.grab().save(str(tmp_path / "back.png"))
    banner.button.click()
    qtbot.waitUntil(lambda: shell.window.day_keeper is not None
                    and shell.window.day_keeper.told is not None, timeout=WAIT_MS)
    title, words = shell.window.day_keeper.told
    assert title == "Today's work is in the shared library"
    assert words == ("1 take came in from the library for today.\n"
                     "New participants: Demo Drummer, Demo Bassist, Demo Keys, Demo Singer.")
    # nothing to warn of (everyone on it may be recorded): told, not as a problem
    assert not [told for told in reports.told if "today" in told[0].lower()]
    assert not shell.window.server_banner.isVisible()
    assert shell.window.windowTitle().startswith("mt_studio – the shared library postgresql://")
    titles = [row[2] for row in shell.window.sessions.row_texts()]
    assert sorted(titles) == ["Demo session", "Tirsdagsband"]
    qtbot.waitUntil(lambda: day_library.is_ready(library_location)
                    and not day_library.is_taken(library_location), timeout=WAIT_MS)
    shell.window.close()
    shell.close()


def test_a_window_that_cannot_reach_the_server_at_start_offers_today_s_library(
        qtbot, library_location, postgres_server, monkeypatch):
    from PyQt6.QtWidgets import QMessageBox

    with Studio.open(library_location) as studio:
        studio.sessions.create("Tirsdagsband", SessionKind.BAND, on=date.today())
        assert day_library.prepare(studio)
    asked = []

    def answer(_parent, title, text, *args):
        asked.append((title, text))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    postgres_server.stop()
    try:
        shell = Shell(Reports(), folder=library_location)
        shell.open()
        qtbot.waitUntil(lambda: shell.window.studio is not None, timeout=WAIT_MS)
        ((title, text),) = asked
        assert title == "The shared library cannot be reached"
        assert text.startswith("Cannot reach the library's database postgresql://")
        assert "Go on with this computer's library for today?" in text
        assert day_library.is_taken(library_location)
        assert [row[2] for row in shell.window.sessions.row_texts()] == ["Tirsdagsband"]
        assert shell.window.server_banner.title.text() == (
            "This is the library for today, on this computer")
        shell.window.close()
        shell.close()
    finally:
        postgres_server.start()


def test_the_keeper_makes_the_day_library_anew_each_time_it_is_asked(qtbot, library_location):
    from mt_studio.core.library.database import DATABASE_NAME
    from mt_studio.ui.common.day_library_keeper import keep_for
    from mt_studio.ui.main_window import MainWindow

    database = day_library.library_folder(library_location) / DATABASE_NAME
    with Studio.open(library_location) as studio:
        window = MainWindow(studio, Reports())
        qtbot.addWidget(window)
        keeper = keep_for(window)
        qtbot.waitUntil(lambda: day_library.is_ready(library_location), timeout=WAIT_MS)
        def made() -> int | None:
            try:
                return database.stat().st_ino
            except FileNotFoundError:  # between the two renames that put a new one in place
                return None

        for _time in range(2):  # as its timer does every ten minutes
            qtbot.waitUntil(lambda: not keeper._worker.running, timeout=WAIT_MS)
            before = made()
            keeper.prepare()
            qtbot.waitUntil(lambda before=before: made() not in (None, before), timeout=WAIT_MS)
        keeper.stop()
        window.close()


def test_a_window_built_again_in_another_language_keeps_the_day_library_too(
        qtbot, library_location):
    with Studio.open(library_location) as studio:
        shell = Shell(Reports(), studio)
        shell.open()
        first = shell.window
        first.after_opening()
        qtbot.waitUntil(lambda: first.day_keeper is not None, timeout=WAIT_MS)
        shell.open()  # the language changed
        qtbot.waitUntil(lambda: shell.window.day_keeper is not None, timeout=WAIT_MS)
        assert shell.window.windowTitle().startswith("mt_studio – the shared library")
        shell.window.close()
