"""Drawing a take's lanes: each lane's words and waveform or notes, the dropouts, markers and
loop across them, and the playhead; and waveform peaks as strokes (the take list's thumbnails
use them too)."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QPixmap

from mt_studio.i18n import _
from mt_studio.ui.takes.lane_marks import Note


def draw_peaks(painter: QPainter, rect: QRectF, peaks: np.ndarray, color: QColor) -> None:
    """Draw (min, max) PEAKS, one column each, as vertical strokes filling RECT's width."""
    if not len(peaks) or rect.width() <= 0:
        return
    step = rect.width() / len(peaks)
    draw_columns(painter, rect, peaks, rect.left() + (np.arange(len(peaks)) + 0.5) * step,
                 color)


def draw_columns(painter: QPainter, rect: QRectF, peaks: np.ndarray, xs: np.ndarray,
                 color: QColor) -> None:
    """Draw (min, max) PEAKS as vertical strokes at XS within RECT (those outside left out)."""
    painter.setPen(QPen(color, 1.0))
    middle = rect.center().y()
    half = rect.height() / 2
    lows = np.clip(peaks[:, 0], -1.0, 1.0)
    highs = np.clip(peaks[:, 1], -1.0, 1.0)
    for x, low, high in zip(xs, lows, highs, strict=True):
        if rect.left() - 1 <= x <= rect.right() + 1:
            top, bottom = middle - float(high) * half, middle - float(low) * half
            painter.drawLine(QPointF(float(x), top), QPointF(float(x), max(bottom, top + 1.0)))


class LanePainting:
    """How `TakeLanes` paints itself, from its own state and geometry (its lanes, peaks, notes,
    markers, dropouts, loop, grid and playhead; `wave_rect`, `x_of` and the band's and lanes'
    heights): everything but the playhead is drawn once into a pixmap, until it changes."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        if self._static is None:
            self._static = self._render_static()
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._static)
        if self.lanes:
            painter.setClipRect(self.wave_rect().adjusted(-2, -self._band_height(), 2, 0))
            self._paint_playhead(painter, self.wave_rect())
            painter.setClipping(False)
        if self.hasFocus():
            wave = self.palette().color(QPalette.ColorRole.Highlight)
            painter.setPen(QPen(wave, 1, Qt.PenStyle.DotLine))
            painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))

    def _render_static(self) -> QPixmap:
        """The lanes with their words, waveforms, notes, dropouts and markers."""
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(self.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        painter = QPainter(pixmap)
        painter.setFont(self.font())
        self._paint_static(painter)
        painter.end()
        return pixmap

    def _paint_static(self, painter: QPainter) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        base = palette.color(QPalette.ColorRole.Base)
        wave = palette.color(QPalette.ColorRole.Highlight)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Window))
        if not self.lanes:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             _("Choose a take above to see its tracks."))
            return
        area = self.wave_rect()
        line, height = self._line(), self._lane_height()
        for row, lane in enumerate(self.lanes):
            top = area.top() + row * height
            painter.fillRect(QRectF(area.left(), top + 2, area.width(), height - 4), base)
            words = QRectF(line / 2, top, self._label_width() - line, height)
            painter.setPen(text)
            title_font = painter.font()
            title_font.setBold(True)
            painter.save()
            painter.setFont(title_font)
            painter.drawText(words.adjusted(0, line * 0.3, 0, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             self._elided(lane.title, words.width()))
            painter.restore()
            people = lane.people or _("no one listed")
            painter.drawText(words.adjusted(0, line * 1.5, 0, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             self._elided(people, words.width()))
            inner = QRectF(area.left(), top + line * 0.3, area.width(), height - line * 0.6)
            if not lane.audio:
                if self._notes.get(lane.track_id):
                    self._paint_notes(painter, inner, self._notes[lane.track_id], wave)
                else:
                    painter.setPen(text)
                    painter.drawText(inner, Qt.AlignmentFlag.AlignCenter,
                                     _("No MIDI notes"))
            elif lane.track_id in self._peaks and self.view_stop > self.view_start:
                peaks, start, stop = self._peaks[lane.track_id]
                columns = (np.arange(len(peaks)) + 0.5) * (stop - start) / max(1, len(peaks))
                draw_columns(painter, inner, peaks, self.x_of(start + columns), wave)
        painter.save()
        painter.setClipRect(QRectF(area.left(), 0, area.width(), area.bottom()))
        self._paint_loop(painter, area)
        self._paint_dropouts(painter, area)
        self._paint_markers(painter, area, text)
        painter.restore()

    def _paint_notes(self, painter: QPainter, inner: QRectF, notes: list[Note],
                     color: QColor) -> None:
        low = min(n.pitch for n in notes)
        rows = max(n.pitch for n in notes) - low + 1
        height = max(2.0, inner.height() / max(rows, 12))
        for note in notes:
            left = self.x_of(note.frame)
            width = max(2.0, self.x_of(note.frame + note.length) - left)
            top = inner.bottom() - (note.pitch - low + 1) * inner.height() / rows
            painter.fillRect(QRectF(left, top, width, height), color)

    def _paint_dropouts(self, painter: QPainter, area: QRectF) -> None:
        shade = QColor(220, 50, 40, 90)
        for span in self.dropouts:
            left = self.x_of(span.frame)
            width = max(2.0, self.x_of(span.frame + span.length) - left)
            painter.fillRect(QRectF(left, area.top(), width, area.height()), shade)

    def _paint_markers(self, painter: QPainter, area: QRectF, text: QColor) -> None:
        painter.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
        for mark in self.markers:
            x = self.x_of(mark.frame)
            painter.drawLine(QPointF(x, area.top() - self._band_height() * 0.2),
                             QPointF(x, area.bottom()))
            painter.drawText(QRectF(x + 3, 0, self._line() * 10, self._band_height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             mark.name or _("Marker"))

    def _paint_loop(self, painter: QPainter, area: QRectF) -> None:
        """The loop strip (with its bars, when there is a tempo) and the loop's region."""
        palette = self.palette()
        band = QRectF(area.left(), 0, area.width(), self._band_height())
        painter.fillRect(band, palette.color(QPalette.ColorRole.AlternateBase))
        if self.grid is not None:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
            bars = self.grid.bar_frames(self.samplerate, self.view_start, self.view_stop)
            if len(bars) < area.width() / 4:  # not a smear of lines when zoomed far out
                for frame in bars:
                    x = self.x_of(frame)
                    painter.drawLine(QPointF(x, band.bottom() - self._line() * 0.4),
                                     QPointF(x, band.bottom()))
        if self.loop is None:
            return
        left, right = self.x_of(self.loop[0]), self.x_of(self.loop[1])
        accent = QColor(palette.color(QPalette.ColorRole.Highlight))
        accent.setAlpha(60)
        painter.fillRect(QRectF(left, area.top(), right - left, area.height()), accent)
        accent.setAlpha(200)
        painter.fillRect(QRectF(left, band.top() + 2, right - left, band.height() - 4), accent)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.HighlightedText), 1))
        painter.drawText(QRectF(left, band.top(), right - left, band.height()),
                         Qt.AlignmentFlag.AlignCenter, self._elided(_("loop"), right - left))
        grip = QPen(palette.color(QPalette.ColorRole.Highlight), 3)
        painter.setPen(grip)
        for x in (left, right):
            painter.drawLine(QPointF(x, band.top()), QPointF(x, area.bottom()))

    def _paint_playhead(self, painter: QPainter, area: QRectF) -> None:
        x = self.x_of(self.playhead)
        painter.setPen(QPen(QColor(230, 120, 0), 2))
        painter.drawLine(QPointF(x, 0), QPointF(x, area.bottom()))

    def _elided(self, words: str, width: float) -> str:
        return self.fontMetrics().elidedText(words, Qt.TextElideMode.ElideRight, int(width))
