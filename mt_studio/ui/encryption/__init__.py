"""Encryption at rest in the window: the files recorded before a library was encrypted sealed
after a sign-in, and an admin's recovery key (docs/architecture.md, "Encrypted at rest"; the
rules are the studio's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mt_studio.ui.encryption.recovery_key_dialog import RecoveryKeyDialog


def make_recovery_key(window) -> RecoveryKeyDialog:
    """Offer WINDOW's admin a new recovery key (window-modal, gone once closed); the dialog."""
    from PyQt6.QtCore import Qt

    from mt_studio.ui.encryption.recovery_key_dialog import RecoveryKeyDialog

    dialog = RecoveryKeyDialog(window.studio, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
