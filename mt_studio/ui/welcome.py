"""The right-hand side before a session is open: what to do first, in plain words."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mt_studio.i18n import _


class Welcome(QWidget):
    """Leads a first run to "New session" or the demo; later, asks to choose a session."""

    new_session_requested = pyqtSignal()
    demo_requested = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Rich text, centred by its own markup: shown as the sessions are first listed, the
        # page uses neither Qt's namespace nor QFont, whose enums take 13 and 2 ms to make.
        self.title = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.new_button = QPushButton(_("New session"))
        self.new_button.setAccessibleName(_("New session"))
        self.demo_button = QPushButton(_("Open demo session"))
        self.demo_button.setAccessibleName(_("Open demo session"))
        self.demo_button.setToolTip(_("A made-up band session with recorded takes, to try "
                                      "playback without an audio interface"))
        for button in (self.new_button, self.demo_button):
            button.setMinimumHeight(button.sizeHint().height() * 2)
        self.new_button.clicked.connect(self.new_session_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addSpacing(self.fontMetrics().height())
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.show_first_run(True)

    def show_first_run(self, first: bool) -> None:
        """Word the page for a library with no sessions yet (FIRST) or with some."""
        if first:
            title = _("Welcome to mt_studio")
            text = _("Start with a new session for your group or for one person. To look "
                     "around first, open the demo session: it has a band take you can play "
                     "without any audio interface.")
        else:
            title = _("Choose a session")
            text = _("Pick a session from the list, or start a new one.")
        self.title.setText(f'<h1 align="center">{_escaped(title)}</h1>')
        self.text.setText(f'<p align="center">{_escaped(text)}</p>')
        self.title.setAccessibleName(title)
        self.text.setAccessibleName(text)


def _escaped(text: str) -> str:
    # What rich text reads as markup; html.escape would import html.entities (2 ms) before
    # the first paint.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
