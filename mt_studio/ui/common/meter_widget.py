"""Input meters for N inputs in one widget: RMS bar, peak line, peak hold, latched clip light."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PyQt6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PyQt6.QtWidgets import QSizePolicy, QWidget

from mt_studio.core.capture.meters import MeterReading
from mt_studio.i18n import _

FLOOR_DB = -60.0
HOLD_SECONDS = 1.5
FALL_DB_PER_SECOND = 20.0  # how fast a released peak hold sinks
_RED, _YELLOW, _GREEN = QColor(220, 30, 30), QColor(230, 180, 0), QColor(40, 170, 70)


def fraction(db: float) -> float:
    """Where DB sits on the meter's -60..0 dBFS scale, 0..1."""
    return min(1.0, max(0.0, (db - FLOOR_DB) / -FLOOR_DB))


class _Channel:
    __slots__ = ("label", "peak", "rms", "hold", "held_at", "clipped")

    def __init__(self, label: str) -> None:
        self.label = label
        self.peak = self.rms = self.hold = FLOOR_DB
        self.held_at = 0.0
        self.clipped = False

    def held(self, now: float) -> float:
        age = now - self.held_at
        if age <= HOLD_SECONDS:
            return self.hold
        return max(FLOOR_DB, self.hold - (age - HOLD_SECONDS) * FALL_DB_PER_SECOND)


class MeterWidget(QWidget):
    """One horizontal meter per input, labelled; repaints only when `set_readings` is called.

    Peak hold stays for HOLD_SECONDS, then sinks; a clip light stays lit until its light is
    clicked (or the widget has focus and Space is pressed, which clears every light).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._channels: list[_Channel] = []
        self._widest_label = 0  # measured when labels or font change, not 30 times a second
        self._now = 0.0
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(_("Input meters"))
        self.setToolTip(_("Input levels. A red light means the input was too loud; "
                          "click the light (or press Space here) to clear it."))

    def set_labels(self, labels: Sequence[str]) -> None:
        """Show one meter per label, all silent and unclipped."""
        self._channels = [_Channel(label) for label in labels]
        self._measure_labels()
        self.updateGeometry()
        self.update()

    def labels(self) -> list[str]:
        """The meters' labels, in order."""
        return [c.label for c in self._channels]

    def set_readings(self, readings: Sequence[MeterReading], now: float | None = None) -> None:
        """Take the latest readings (one per meter) at monotonic time NOW, and repaint."""
        now = time.monotonic() if now is None else now
        self._now = now
        for channel, reading in zip(self._channels, readings, strict=False):
            channel.peak = reading.peak_dbfs
            channel.rms = reading.rms_dbfs
            if reading.peak_dbfs >= channel.held(now):
                channel.hold, channel.held_at = reading.peak_dbfs, now
            channel.clipped = channel.clipped or reading.clipped
        self.update()

    def peak_hold(self, index: int) -> float:
        """The held peak of meter INDEX in dBFS, as of the last readings."""
        return self._channels[index].held(self._now)

    def level(self, index: int) -> tuple[float, float]:
        """The latest (peak, rms) of meter INDEX in dBFS."""
        channel = self._channels[index]
        return channel.peak, channel.rms

    def clipped(self, index: int) -> bool:
        """True while the clip light of meter INDEX is lit."""
        return self._channels[index].clipped

    def clear_clip(self, index: int | None = None) -> None:
        """Put out the clip light of meter INDEX, or every light."""
        targets = self._channels if index is None else [self._channels[index]]
        for channel in targets:
            channel.clipped = False
        self.update()

    def clip_light_rect(self, index: int) -> QRectF:
        """Where the clip light of meter INDEX is drawn (and clicked)."""
        line = self.fontMetrics().height()
        return self._light_rect(self._row_rect(index, line), line)

    def _light_rect(self, row: QRectF, line: int) -> QRectF:
        size = min(row.height() * 0.8, line * 1.2)
        return QRectF(row.right() - size, row.center().y() - size / 2, size, size)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        line = self.fontMetrics().height()
        return QSize(line * 20, max(1, len(self._channels)) * int(line * 1.4) + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        line = self.fontMetrics().height()
        return QSize(line * 10, max(1, len(self._channels)) * line)

    def _row_rect(self, index: int, line: int) -> QRectF:
        count = max(1, len(self._channels))
        height = min(self.height() / count, line * 1.8)
        return QRectF(0, index * height, self.width(), height).adjusted(2, 1, -2, -1)

    def _measure_labels(self) -> None:
        metrics = self.fontMetrics()
        self._widest_label = max((metrics.horizontalAdvance(c.label) for c in self._channels),
                                 default=0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.FontChange:
            self._measure_labels()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        palette = self.palette()
        line = self.fontMetrics().height()
        label_width = min(self._widest_label + line * 0.5, self.width() * 0.35)
        trough = QColor(palette.color(palette.ColorRole.Base)).darker(115)
        text = palette.color(palette.ColorRole.WindowText)
        for index, channel in enumerate(self._channels):
            row = self._row_rect(index, line)
            light = self._light_rect(row, line)
            painter.setPen(text)
            painter.drawText(QRectF(row.left(), row.top(), label_width, row.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             channel.label)
            bar = QRectF(row.left() + label_width, row.top() + row.height() * 0.15,
                         light.left() - row.left() - label_width - row.height() * 0.3,
                         row.height() * 0.7)
            painter.fillRect(bar, trough)
            rms = fraction(channel.rms)
            painter.fillRect(QRectF(bar.left(), bar.top(), bar.width() * rms, bar.height()),
                             _level_colour(channel.rms))
            painter.setPen(QPen(_level_colour(channel.peak), 2))
            peak_x = bar.left() + bar.width() * fraction(channel.peak)
            painter.drawLine(QPointF(peak_x, bar.top()), QPointF(peak_x, bar.bottom()))
            painter.setPen(QPen(text, 2))
            held = channel.held(self._now)
            hold_x = bar.left() + bar.width() * fraction(held)
            if held > FLOOR_DB:
                painter.drawLine(QPointF(hold_x, bar.top()), QPointF(hold_x, bar.bottom()))
            painter.setPen(QPen(text, 1))
            painter.setBrush(_RED if channel.clipped else trough)
            painter.drawEllipse(light)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        for index in range(len(self._channels)):
            if self.clip_light_rect(index).adjusted(-4, -4, 4, 4).contains(event.position()):
                self.clear_clip(index)
                return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.clear_clip()
            return
        super().keyPressEvent(event)


def _level_colour(db: float) -> QColor:
    if db >= -3:
        return _RED
    if db >= -12:
        return _YELLOW
    return _GREEN
