"""Help: the manual in both languages, offline, and a list of shortcuts the window really has."""

from __future__ import annotations

import pytest
from PyQt6.QtGui import QKeySequence, QShortcut

from mt_studio import i18n
from mt_studio.ui.common.error_reporter import ErrorReporter
from tests.conftest import studio_of


@pytest.fixture(params=["en", "nb"])
def language(request):
    i18n.use_language(request.param)
    yield request.param
    i18n.use_language("en")


def test_f1_opens_the_manual_in_the_language_shown_with_the_shortcuts(qtbot, library, language):
    from mt_studio.ui.main_window import MainWindow

    window = MainWindow(studio_of(library), ErrorReporter())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.painted):  # the platform's standard keys are set then
        window.show()
    manual_action = next(a for a in window.menuBar().actions()[-1].menu().actions()
                         if a.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents))
    manual_action.trigger()
    text = window.help.browser.toPlainText()
    heading, recording, keys = {
        "en": ("a short manual", "A take ends only with the Stop button", "Keyboard shortcuts"),
        "nb": ("en kort bruksanvisning", "Et opptak stopper bare med Stopp-knappen",
               "Hurtigtaster")}[language]
    assert heading in text and recording in text and keys in text
    assert "<!--shortcuts-->" not in window.help.browser.toHtml()
    for shortcut in ("Ctrl+R", "Ctrl+Shift+Z", "F2"):
        assert shortcut in text
    assert ("Stop the take" in text) == (language == "en")
    window.close()


def page_shortcuts(page) -> set[str]:
    """The keys of the QShortcuts that act on PAGE, as Qt's portable text."""
    return {s.key().toString(QKeySequence.SequenceFormat.PortableText)
            for s in page.findChildren(QShortcut)}


def test_the_list_of_shortcuts_names_every_shortcut_of_every_tab_and_no_other(qtbot, library):
    from mt_studio.ui.session_view import SessionView
    from mt_studio.ui.shortcut_list import shortcuts

    view = SessionView(studio_of(library))
    qtbot.addWidget(view)
    listed = shortcuts()
    for page in (view.record, view.takes, view.looper, view.songs, view.consent, view.inputs):
        tab = view.tabText(view.indexOf(page)).replace("&&", "&")
        said = {s.keys for s in listed if s.where == tab and not s.by_widget}
        found = page_shortcuts(page)
        if page is view.songs:
            found -= {"Ctrl+Enter"}  # the keypad's Enter, as Ctrl+Return
        assert said == found, tab


def test_the_window_s_own_shortcuts_are_listed(qtbot, library):
    from mt_studio.ui.main_window import MainWindow
    from mt_studio.ui.shortcut_list import shortcuts

    window = MainWindow(studio_of(library), ErrorReporter())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.painted):
        window.show()
    in_menus = {action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
                for menu in window.menuBar().actions() for action in menu.menu().actions()
                if not action.shortcut().isEmpty()}
    listed = {s.keys for s in shortcuts() if s.where == "Whole window"}
    assert in_menus - {"Ctrl+,"} == listed  # Preferences has no key of its own on Linux
