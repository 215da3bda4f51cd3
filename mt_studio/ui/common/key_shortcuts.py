"""Keyboard shortcuts of a tab that typing into one of its text fields never sets off."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

Keys = str | QKeySequence | QKeySequence.StandardKey | Qt.Key


def text_field_has_focus() -> bool:
    """True while the keyboard's focus is in a field one types into (a read-only one too:
    whoever types there believes their letters go into it)."""
    widget = QApplication.focusWidget()
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return isinstance(widget, QLineEdit | QAbstractSpinBox | QPlainTextEdit | QTextEdit)


def add_shortcuts(parent: QWidget,
                  shortcuts: Iterable[tuple[Keys, Callable[[], object]]]) -> list[QShortcut]:
    """Give PARENT and its children the SHORTCUTS, (keys, action) pairs; none of them acts
    while a text field has the focus."""
    made = []
    for keys, action in shortcuts:
        shortcut = QShortcut(QKeySequence(keys), parent)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(
            lambda action=action: None if text_field_has_focus() else action())
        made.append(shortcut)
    return made
