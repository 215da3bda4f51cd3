"""Large type and big buttons for the page a participant uses on their own.

Every size is reckoned from the application's font, not from a widget's own: a widget made
before it joins the page has not inherited the page's type yet.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFont, QFontMetrics
from PyQt6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from mt_studio.ui.songs.lyrics_editor import scaled_font

PAGE_SCALE = 1.5  # the page's type against the system's: read from a little way off
HEADING_SCALE = 1.35  # a heading against the page's type
BUTTON_LINES = 2.2  # a big button's height, in lines of the page's type
BUTTON_WIDTH_LINES = 6  # its least width, in the same lines


def page_font(factor: float = 1.0) -> QFont:
    """The page's type, FACTOR times larger."""
    return scaled_font(QApplication.font(), PAGE_SCALE * factor)


def big_button(text: str, name: str, tip: str = "", parent: QWidget | None = None
               ) -> QPushButton:
    """A big button showing TEXT, called NAME for screen readers, explained by TIP."""
    button = QPushButton(text, parent)
    button.setAccessibleName(name)
    if tip:
        button.setToolTip(tip)
    button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    line = QFontMetrics(page_font()).height()
    button.setMinimumSize(round(line * BUTTON_WIDTH_LINES), round(line * BUTTON_LINES))
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return button


def heading(text: str = "", name: str = "") -> QLabel:
    """A bold heading showing TEXT as plain text, wrapped; NAME for screen readers."""
    label = words(text, name)
    font = page_font(HEADING_SCALE)
    font.setBold(True)
    label.setFont(font)
    return label


def roomy(rows: QListWidget) -> None:
    """Give the rows of ROWS room around them, to be hit by a finger as well as a mouse."""
    rows.setSpacing(QFontMetrics(page_font()).height() // 3)


def words(text: str = "", name: str = "") -> QLabel:
    """A label showing TEXT as plain text, wrapped; NAME for screen readers."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if name:
        label.setAccessibleName(name)
    return label
