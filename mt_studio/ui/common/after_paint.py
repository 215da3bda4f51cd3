"""Work put off until a widget has been drawn: what a window just shown need not wait for."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QEvent, QObject, QTimer
from PyQt6.QtWidgets import QWidget


def after_next_paint(widget: QWidget, work: Callable[[], object],
                     latest_ms: int = 1000) -> None:
    """Ask WIDGET to paint again and call WORK once, in the GUI thread, just after it has:
    at the latest LATEST_MS later (a hidden window paints nothing)."""
    _AfterPaint(widget, work, latest_ms)
    widget.update()


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, work: Callable[[], object], latest_ms: int) -> None:
        super().__init__(widget)
        self._widget = widget
        self._work: Callable[[], object] | None = work
        widget.installEventFilter(self)
        self._timer = QTimer(self)  # a child: it ends with the widget
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run)
        self._timer.start(latest_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self._timer.start(0)  # once this paint has ended
        return False

    def _run(self) -> None:
        if self._work is None:
            return
        work, self._work = self._work, None
        self._widget.removeEventFilter(self)
        self.deleteLater()
        work()
