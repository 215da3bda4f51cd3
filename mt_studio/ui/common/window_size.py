"""How big the main window starts, on the screen it opens on."""

from __future__ import annotations

from PyQt6.QtCore import QSize

PREFERRED_SIZE = QSize(1280, 800)
TITLE_BAR = 40  # what a window manager adds above the window, at the most common scales


def fitted_size(available: QSize) -> tuple[QSize, bool]:
    """The window's first size on a screen with AVAILABLE room (taskbars left out), and
    whether it is maximized: a screen too small for the preferred size (a 1366x768 laptop)
    is filled, title bar included."""
    room = QSize(available.width(), available.height() - TITLE_BAR)
    if room.width() >= PREFERRED_SIZE.width() and room.height() >= PREFERRED_SIZE.height():
        return PREFERRED_SIZE, False
    return room, True


def session_list_width(window_width: int) -> int:
    """How wide the session list starts: a quarter of the window, 260 to 380 pixels."""
    return max(260, min(380, window_width // 4))
