"""The window on a 1366x768 laptop, in both languages: it fits the screen, nothing is squeezed
so that its words are cut or covered, and the consent board's columns stay where they are."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import QSize, Qt
from PyQt6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QPushButton,
    QStyle,
    QToolButton,
)

from mt_studio import i18n
from mt_studio.core.domain import Purpose
from mt_studio.core.library import consent_ledger, participants, sessions
from mt_studio.core.studio.demo import create_demo_session
from mt_studio.ui.common.error_reporter import ErrorReporter
from mt_studio.ui.consent.consent_dialogs import WithdrawRequest
from tests.conftest import studio_of

LAPTOP_SCREEN = QSize(1366, 768 - 40)  # a taskbar off the screen's height


@pytest.fixture(params=["en", "nb"])
def language(request):
    i18n.use_language(request.param)
    yield request.param
    i18n.use_language("en")


def laptop_window(qtbot, library):
    """The window opened on the demo session at the size a 1366x768 laptop gives it."""
    from mt_studio.ui.main_window import TITLE_BAR, MainWindow, fitted_size

    window = MainWindow(studio_of(library), ErrorReporter())
    qtbot.addWidget(window)
    size, _maximized = fitted_size(LAPTOP_SCREEN)
    # The test screen is smaller than a laptop's; no window manager here, so the size is exact.
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(size)
    window.show()
    window.open_demo()
    for person in ("Kari-Anne Johannessen-Øvrebø", "Ole", "Mona Lisa Overdrive"):
        with library.transaction() as db:
            someone = participants.add(db, person)
            sessions.check_in(db, window.session_id, someone)
    window.session_view.consent.refresh()
    assert size.height() + TITLE_BAR <= LAPTOP_SCREEN.height()
    return window


def test_the_first_size_fills_a_laptop_and_leaves_a_big_screen_room():
    from mt_studio.ui.main_window import PREFERRED_SIZE, TITLE_BAR, fitted_size

    size, maximized = fitted_size(LAPTOP_SCREEN)
    assert maximized
    assert size.width() <= LAPTOP_SCREEN.width()
    assert size.height() + TITLE_BAR <= LAPTOP_SCREEN.height()
    assert fitted_size(QSize(1920, 1040)) == (PREFERRED_SIZE, False)


def test_the_window_opens_maximized_on_a_screen_too_small_for_it(qtbot, library):
    from mt_studio.ui.app import Shell
    from mt_studio.ui.main_window import fitted_size

    shell = Shell(ErrorReporter(), studio_of(library))
    shell.open()
    qtbot.addWidget(shell.window)
    _size, maximized = fitted_size(shell.window.screen().availableGeometry().size())
    assert maximized  # the test screen is smaller than a laptop's
    assert shell.window.isMaximized()
    shell.window.close()


def test_every_tab_fits_the_laptop_and_squeezes_no_button_or_list(qtbot, library, language):
    window = laptop_window(qtbot, library)
    view = window.session_view
    for index in range(view.count()):
        view.setCurrentIndex(index)
        qtbot.waitUntil(lambda: view.currentWidget().isVisible())
        window.layout().activate()
        name = view.tabText(index)
        minimum = window.minimumSizeHint()
        assert minimum.width() <= window.width() and minimum.height() <= window.height(), name
        page = view.currentWidget()
        squeezed = [
            f"{type(w).__name__} {w.accessibleName() or w.text() if hasattr(w, 'text') else ''}"
            for w in page.findChildren((QComboBox, QPushButton))
            if w.isVisible() and w.width() < w.sizeHint().width()]
        assert squeezed == [], f"{name}: {squeezed}"
        covered = [w.text() for w in page.findChildren((QPushButton, QToolButton))
                   if w.isVisible() and w.menu() is not None and not arrow_beside_text(w)]
        assert covered == [], f"{name}: the menu arrow covers {covered}"


def arrow_beside_text(button: QAbstractButton) -> bool:
    """Whether BUTTON is wide enough for its text, its menu's arrow and the margins: the
    Fusion style's tool button draws the arrow over the end of its text."""
    style = button.style()
    needed = (button.fontMetrics().horizontalAdvance(button.text())
              + style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator)
              + 2 * style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin))
    return button.width() >= needed


def test_the_consent_board_needs_no_sideways_scrolling_and_keeps_its_columns(
        qtbot, library, language):
    window = laptop_window(qtbot, library)
    board = window.session_view.consent
    qtbot.waitUntil(board.isVisible)
    scroll = board.grid.parentWidget().parentWidget().parentWidget()
    qtbot.waitUntil(lambda: not scroll.horizontalScrollBar().isVisible())
    singer = participants.find(library.connection, i18n._("Demo Singer"))
    columns = {purpose: board.chip(singer.id, purpose).geometry().x() for purpose in Purpose}
    widths = {purpose: board.chip(singer.id, purpose).width() for purpose in Purpose}
    board.withdraw(singer.id, WithdrawRequest((Purpose.GROUP, Purpose.KEEP), "changed mind"))
    with library.transaction() as db:
        consent_ledger.grant(db, singer, [Purpose.COMMUNITY])
    board.refresh()
    qtbot.waitUntil(lambda: board.chip(singer.id, Purpose.GROUP).isVisible())
    qtbot.waitUntil(lambda: not scroll.horizontalScrollBar().isVisible())
    assert {p: board.chip(singer.id, p).geometry().x() for p in Purpose} == columns
    assert {p: board.chip(singer.id, p).width() for p in Purpose} == widths


def test_a_name_too_long_for_the_board_wraps_instead_of_widening_it(qtbot, library):
    session_id = create_demo_session(library)
    from mt_studio.ui.consent.consent_board import ConsentBoard

    board = ConsentBoard(studio_of(library))
    qtbot.addWidget(board)
    board.show_session(session_id)
    widths = []
    for pseudonym, real_name in (("Anne", "Anne-Kristine Bjørnstad"),
                                 ("Bo", "Anne-Kristine Margrethe Bjørnstad-Haugland Eriksen")):
        with library.transaction() as db:
            someone = participants.add(db, pseudonym, real_name)
            sessions.check_in(db, session_id, someone)
        board.refresh()
        widths.append(board.grid.parentWidget().sizeHint().width())
    assert widths[1] == widths[0]


def test_on_a_laptop_the_takes_tab_shows_three_lanes_beside_a_restriction_and_the_mix(
        qtbot, library, language):
    window = laptop_window(qtbot, library)
    view = window.session_view
    singer = participants.find(library.connection, i18n._("Demo Singer"))
    view.consent.withdraw(singer.id, WithdrawRequest((Purpose.GROUP,), "changed mind"))
    view.setCurrentWidget(view.takes)
    takes_tab = view.takes
    qtbot.waitUntil(lambda: takes_tab.consent.isVisible())  # the take is marked restricted
    qtbot.waitUntil(lambda: len(takes_tab.lanes.lanes) == 5)
    scroll = takes_tab.lanes.parentWidget().parentWidget()
    qtbot.waitUntil(lambda: len(takes_tab.mix._rows) == 5)
    QApplication.processEvents()  # the layouts settle
    lanes_shown = ((scroll.viewport().height() - takes_tab.lanes._band_height())
                   / takes_tab.lanes._lane_height())
    assert lanes_shown >= 3, lanes_shown
