"""Single-key shortcuts (R, M, T, Space…) never act while the keys go into a text field."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mt_studio.ui.common.key_shortcuts import add_shortcuts


def read_only(field):
    field.setReadOnly(True)
    return field


def editable(combo: QComboBox) -> QComboBox:
    combo.setEditable(True)
    return combo


def test_no_shortcut_acts_from_a_text_field_even_a_read_only_one(qtbot):
    page = QWidget()
    fields = [QLineEdit(), read_only(QLineEdit("take 2")), QSpinBox(), QPlainTextEdit(),
              read_only(QPlainTextEdit("Verse 1")), editable(QComboBox())]
    button = QPushButton("Play")
    layout = QVBoxLayout(page)
    for widget in (*fields, button):
        layout.addWidget(widget)
    done: list[str] = []
    add_shortcuts(page, (("R", lambda: done.append("R")),
                         (Qt.Key.Key_Space, lambda: done.append("Space")),
                         (Qt.Key.Key_Home, lambda: done.append("Home")),
                         ("Ctrl+R", lambda: done.append("Ctrl+R"))))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)

    for field in fields:
        field.setFocus()
        qtbot.keyClicks(field, "Chorus r")
        qtbot.keyClick(field, Qt.Key.Key_Home)
        qtbot.keyClick(field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        assert done == [], type(field).__name__

    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_R)
    qtbot.keyClick(button, Qt.Key.Key_Home)
    qtbot.keyClick(button, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert done == ["R", "Home", "Ctrl+R"]
