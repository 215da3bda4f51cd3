"""Groups in the window: the service's bands and choirs, and who is a member."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mt_studio.ui.groups.groups_dialog import GroupsDialog


def open_groups(window) -> GroupsDialog:
    """Show the groups over WINDOW (window-modal, gone once closed); the dialog. It redraws on
    the window's bridge."""
    from PyQt6.QtCore import Qt

    from mt_studio.ui.groups.groups_dialog import GroupsDialog

    dialog = GroupsDialog(window.studio, window.bridge, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
