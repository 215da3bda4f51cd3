"""Deleting a take or a song and erasing a person: the dialogs that show what goes first."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PyQt6.QtWidgets import QWidget

    from mt_studio.core.studio import Studio
    from mt_studio.ui.deletion.deletion_dialog import DeletionDialog


def open_erase_person(studio: Studio, parent: QWidget) -> DeletionDialog:
    """Open the dialog that erases a person (window-modal, gone once closed); the dialog.
    Its module is loaded only then: the window opens without the deletion service."""
    from PyQt6.QtCore import Qt

    from mt_studio.ui.deletion.deletion_dialog import erase_person_dialog

    dialog = erase_person_dialog(studio, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
