"""Help: the short manual and the keyboard shortcuts, in the language shown, without a network."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from mt_studio import i18n
from mt_studio.i18n import _
from mt_studio.ui.common.dialog_buttons import translate
from mt_studio.ui.shortcut_list import shortcuts_html

HELP_FOLDER = Path(__file__).resolve().parent.parent / "help"
SHORTCUTS_PLACE = "<!--shortcuts-->"


def manual_html(language: str | None = None) -> str:
    """The manual in LANGUAGE (the one shown when None; English where none is written), with
    the keyboard shortcuts as they are now."""
    language = language or i18n.current_language()
    path = HELP_FOLDER / f"manual.{language}.html"
    if not path.exists():
        path = HELP_FOLDER / "manual.en.html"
    return path.read_text(encoding="utf-8").replace(SHORTCUTS_PLACE, shortcuts_html())


class HelpDialog(QDialog):
    """The manual, to read beside the window (not modal); `show_shortcuts` goes to the keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("mt_studio – manual"))
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(_("Manual"))
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(manual_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate(buttons)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        line = self.fontMetrics().height()
        self.resize(line * 40, line * 36)

    def show_shortcuts(self) -> None:
        """Scroll to the keyboard shortcuts."""
        self.browser.scrollToAnchor("shortcuts")
