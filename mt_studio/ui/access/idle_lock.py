"""Locking the window after a while without anyone touching the keyboard or the mouse."""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, QTimer, pyqtSignal
from PyQt6.QtWidgets import QApplication

_TOUCHES = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
            QEvent.Type.Wheel, QEvent.Type.TouchBegin}


class IdleWatch(QObject):
    """Emits `idle()` once nobody has touched the application for MINUTES (0: never)."""

    idle = pyqtSignal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        QApplication.instance().installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        """Wait MINUTES from now on (0: never lock by itself)."""
        self._wait_ms = max(0, round(minutes * 60_000))
        self.restart()

    def restart(self) -> None:
        """Count from now."""
        if self._wait_ms:
            self._timer.start(self._wait_ms)
        else:
            self._timer.stop()

    def pause(self) -> None:
        """Stop counting (the window is locked already) until `restart`."""
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _TOUCHES and self._timer.isActive():
            self._timer.start()
        return False
