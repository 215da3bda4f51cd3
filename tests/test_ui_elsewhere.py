"""The window on a shared library hears what another therapist's computer changes and redraws
it, and says at once when the library's server cannot be reached (docs/architecture.md, "One
library for the service")."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from mt_studio.core.domain import SessionKind
from mt_studio.core.studio import Studio
from mt_studio.ui.common.error_reporter import ErrorReporter
from mt_studio.ui.main_window import MainWindow

WAIT_MS = 20_000  # a notice takes milliseconds; this is how long before the test fails


@pytest.fixture
def window(qtbot, address):
    studio = Studio.open(address)
    shown = MainWindow(studio, ErrorReporter())
    qtbot.addWidget(shown)
    yield shown
    shown.close()
    studio.close()


def test_a_session_made_on_another_computer_appears_in_the_list(qtbot, window, address):
    assert window.sessions.row_texts() == []
    with Studio.open(address) as there:
        there.sessions.create("Tirsdagsband", SessionKind.BAND, on=date(2026, 12, 8))
    qtbot.waitUntil(lambda: [row[2] for row in window.sessions.row_texts()] == ["Tirsdagsband"],
                    timeout=WAIT_MS)


def test_a_lost_server_is_said_at_once_and_the_words_go_when_it_is_back(
        qtbot, window, postgres_server, tmp_path):
    window.show()
    assert not window.server_banner.isVisible()
    postgres_server.stop()
    try:
        qtbot.waitUntil(window.server_banner.isVisible, timeout=WAIT_MS)
        assert window.server_banner.title.text() == "The shared library cannot be reached"
        assert "nothing can be saved" in window.server_banner.text.text()
        window.grab().save(str(tmp_path / "lost.png"))
    finally:
        postgres_server.start()
    qtbot.waitUntil(lambda: not window.server_banner.isVisible(), timeout=WAIT_MS)


def test_a_window_on_a_library_in_a_folder_listens_to_nothing(qtbot, library):
    from conftest import studio_of

    shown = MainWindow(studio_of(library), ErrorReporter())
    qtbot.addWidget(shown)
    assert not any(thread.name == "library notices" for thread in threading.enumerate())
    assert not shown.server_banner.isVisible()


def test_what_changed_while_the_window_could_not_hear_is_drawn_once_the_server_is_back(
        qtbot, window, postgres_server, address, monkeypatch):
    from mt_studio.core.library.postgres import ChangeListener

    monkeypatch.setattr(ChangeListener, "RETRY_SECONDS", 6.0)  # back before it listens again
    from mt_studio.core.studio import day_library
    from mt_studio.ui.common.day_library_keeper import keep_for

    window.show()
    keep_for(window)
    qtbot.waitUntil(lambda: day_library.is_ready(address), timeout=WAIT_MS)
    postgres_server.stop()
    try:
        qtbot.waitUntil(window.server_banner.isVisible, timeout=WAIT_MS)
    finally:
        postgres_server.start()
    with Studio.open(address) as there:  # made while this window does not listen yet
        there.sessions.create("Tirsdagsband", SessionKind.BAND, on=date(2026, 12, 8))
    qtbot.waitUntil(lambda: not window.server_banner.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: [row[2] for row in window.sessions.row_texts()] == ["Tirsdagsband"],
                    timeout=WAIT_MS)
