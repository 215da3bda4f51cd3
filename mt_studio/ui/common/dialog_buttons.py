"""Dialog buttons whose words come from mt_studio's own translations.

Qt ships no Norwegian bokmål translation of its standard buttons, so they are named here.
"""

from __future__ import annotations

from PyQt6.QtWidgets import QDialog, QDialogButtonBox

from mt_studio.i18n import _


def ok_cancel(dialog: QDialog, ok_text: str | None = None) -> QDialogButtonBox:
    """OK and Cancel buttons wired to DIALOG's accept and reject; OK_TEXT renames OK."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    translate(buttons)
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def translate(buttons: QDialogButtonBox) -> None:
    """Give BUTTONS' standard buttons translated words."""
    words = {
        QDialogButtonBox.StandardButton.Ok: _("OK"),
        QDialogButtonBox.StandardButton.Cancel: _("Cancel"),
        QDialogButtonBox.StandardButton.Close: _("Close"),
        QDialogButtonBox.StandardButton.Yes: _("Yes"),
        QDialogButtonBox.StandardButton.No: _("No"),
        QDialogButtonBox.StandardButton.Save: _("Save"),
    }
    for standard, text in words.items():
        button = buttons.button(standard)
        if button is not None:
            button.setText(text)
            button.setAccessibleName(text.replace("&", ""))
