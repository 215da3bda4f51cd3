"""A dialog whose OK applies its change, and shows a refusal inside itself instead of closing."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDialog, QLabel, QWidget

from mt_studio.core.errors import InputError
from mt_studio.i18n import _


class ApplyingDialog(QDialog):
    """OK calls `_apply()`; an InputError it raises is shown in `error` and the dialog stays.

    Subclasses build their fields and place `self.error` (hidden until needed) in their layout.
    """

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #8b0000; font-weight: bold;")
        self.error.setAccessibleName(_("Problem"))
        self.error.hide()

    def _apply(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        """Apply the change and close, or show why it was refused and stay open."""
        try:
            self._apply()
        except InputError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        super().accept()
