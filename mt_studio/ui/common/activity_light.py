"""A labelled light that glows for a moment whenever something arrives (MIDI from a keyboard)."""

from __future__ import annotations

import time

from PyQt6.QtCore import QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PyQt6.QtWidgets import QSizePolicy, QWidget

GLOW_SECONDS = 0.3
_LIT = QColor(40, 170, 70)


class ActivityLight(QWidget):
    """A round light and a word; `show_count` lights it for GLOW_SECONDS when a count rises."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = text
        # The count last shown. Every source counts from zero, so a first reading of 1 is a
        # message: one that came before the first look still lights the light.
        self._count = 0
        self._lit_until = 0.0
        self._lit = False
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    @property
    def lit(self) -> bool:
        """True while the light glows."""
        return self._lit

    def show_count(self, count: int, now: float | None = None) -> None:
        """Take the latest count (of messages heard so far) at monotonic time NOW."""
        now = time.monotonic() if now is None else now
        if count != self._count:
            self._lit_until = now + GLOW_SECONDS
        self._count = count
        self._set_lit(now < self._lit_until)

    def reset(self) -> None:
        """Put the light out for a new source, which starts counting from zero."""
        self._count = 0
        self._lit_until = 0.0
        self._set_lit(False)

    def _set_lit(self, lit: bool) -> None:
        if lit != self._lit:
            self._lit = lit
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        line = self.fontMetrics().height()
        return QSize(line * 2 + self.fontMetrics().horizontalAdvance(self._text), line + 4)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        line = self.fontMetrics().height()
        size = line * 0.8
        light = QRectF(2, (self.height() - size) / 2, size, size)
        painter.setPen(QPen(palette.color(palette.ColorRole.WindowText), 1))
        painter.setBrush(_LIT if self._lit
                         else QColor(palette.color(palette.ColorRole.Base)).darker(115))
        painter.drawEllipse(light)
        painter.drawText(QRectF(light.right() + line * 0.4, 0, self.width(), self.height()),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self._text)
        painter.end()
