"""A panel's redraw once the event loop comes round: one for several changes heard at once,
and none while the window is locked (it is redrawn when it is opened again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


def redraw_soon(owner: QObject, studio: Callable[[], Studio | None],
                redraw: Callable[[], None]) -> QTimer:
    """A single-shot timer of OWNER that calls REDRAW when started and the event loop comes
    round, if the studio (STUDIO's answer) may be read then; `stop()` it when drawn anyway."""
    timer = QTimer(owner)
    timer.setSingleShot(True)

    def fire() -> None:
        now = studio()
        if now is not None and now.open_to_use:
            redraw()

    timer.timeout.connect(fire)
    return timer
