"""The lanes of one take: a row per track (waveform, instrument, who is heard), with markers,
dropouts and a playhead drawn across them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PyQt6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, pyqtSignal
from PyQt6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PyQt6.QtWidgets import QSizePolicy, QToolTip, QWidget

from mt_studio.i18n import _


@dataclass(frozen=True)
class Lane:
    """What one lane shows: its track, its title (the instrument) and who is heard on it."""

    track_id: int
    title: str
    people: str
    audio: bool = True


@dataclass(frozen=True)
class Span:
    """A stretch of the take in frames (a dropout, filled with silence)."""

    frame: int
    length: int


@dataclass(frozen=True)
class Note:
    """A MIDI note in a lane: where it starts and how long it sounds (frames), and its pitch."""

    frame: int
    length: int
    pitch: int


@dataclass(frozen=True)
class Mark:
    """A named point of the take in frames."""

    frame: int
    name: str


def draw_peaks(painter: QPainter, rect: QRectF, peaks: np.ndarray, color: QColor) -> None:
    """Draw (min, max) PEAKS, one column each, as vertical strokes filling RECT's width."""
    if not len(peaks) or rect.width() <= 0:
        return
    painter.setPen(QPen(color, 1.0))
    middle = rect.center().y()
    half = rect.height() / 2
    step = rect.width() / len(peaks)
    lows = np.clip(peaks[:, 0], -1.0, 1.0)
    highs = np.clip(peaks[:, 1], -1.0, 1.0)
    for column, (low, high) in enumerate(zip(lows, highs, strict=True)):
        x = rect.left() + (column + 0.5) * step
        top, bottom = middle - float(high) * half, middle - float(low) * half
        painter.drawLine(QPointF(x, top), QPointF(x, max(bottom, top + 1.0)))


class TakeLanes(QWidget):
    """All lanes of a take in one widget; click (or Left/Right) moves the playhead.

    Emits `seek_requested(frame)` when the person moves the playhead, and `wave_width_changed`
    when the waveforms need recomputing at a new width (the owner computes peaks in a worker
    and hands them back with `set_peaks`).
    """

    seek_requested = pyqtSignal(int)
    wave_width_changed = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lanes: list[Lane] = []
        self.dropouts: list[Span] = []
        self.markers: list[Mark] = []
        self.frames = 0
        self.samplerate = 48000
        self.playhead = 0
        self._peaks: dict[int, np.ndarray] = {}
        self._notes: dict[int, list[Note]] = {}
        self._static: QPixmap | None = None  # everything but the playhead, drawn once
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(_("Tracks of the take"))
        self.setToolTip(_("One row per track. Click to move the playhead; "
                          "the Left and Right arrow keys move it by a second."))

    def set_take(self, lanes: Sequence[Lane], frames: int, samplerate: int,
                 markers: Sequence[Mark] = (), dropouts: Sequence[Span] = ()) -> None:
        """Show a take's lanes (waveforms come later through `set_peaks`)."""
        self.lanes = list(lanes)
        self.frames, self.samplerate = max(0, frames), max(1, samplerate)
        self.markers, self.dropouts = list(markers), list(dropouts)
        self.playhead = 0
        self._peaks.clear()
        self._notes.clear()
        self.setAccessibleDescription("; ".join(
            _("{title}: {people}").format(title=lane.title, people=lane.people)
            if lane.people else lane.title for lane in self.lanes))
        self.updateGeometry()
        self._redraw()

    def set_peaks(self, track_id: int, peaks: np.ndarray) -> None:
        """Show PEAKS (columns × (min, max)) as the waveform of TRACK_ID's lane."""
        self._peaks[track_id] = peaks
        self._redraw()

    def set_notes(self, track_id: int, notes: Sequence[Note]) -> None:
        """Show NOTES in TRACK_ID's (MIDI) lane."""
        self._notes[track_id] = list(notes)
        self._redraw()

    def notes(self, track_id: int) -> list[Note] | None:
        """The notes shown in TRACK_ID's lane, if they have arrived."""
        return self._notes.get(track_id)

    def peaks(self, track_id: int) -> np.ndarray | None:
        """The waveform shown in TRACK_ID's lane, if it has arrived."""
        return self._peaks.get(track_id)

    def set_playhead(self, frame: int) -> None:
        """Move the drawn playhead to FRAME."""
        frame = max(0, min(int(frame), self.frames))
        if frame != self.playhead:
            # Only the strips the line leaves and enters are painted again (30 times a second).
            for x in (self.x_of(self.playhead), self.x_of(frame)):
                self.update(int(x) - 3, 0, 7, self.height())
            self.playhead = frame

    def _redraw(self) -> None:
        """Draw the lanes afresh: their content, size, font or colours changed."""
        self._static = None
        self.update()

    # Geometry: a band for marker names on top, then the lanes; each lane has its words on
    # the left and its waveform on the right.

    def _line(self) -> int:
        return self.fontMetrics().height()

    def _lane_height(self) -> int:
        return int(self._line() * 3.4)

    def _band_height(self) -> int:
        return int(self._line() * 1.5)

    def _label_width(self) -> int:
        return max(self._line() * 9, min(self._line() * 16, self.width() // 4))

    def wave_rect(self) -> QRectF:
        """Where the waveforms (and markers, dropouts, playhead) are drawn."""
        left = self._label_width()
        top = self._band_height()
        return QRectF(left, top, max(1, self.width() - left - self._line() // 2),
                      max(1, len(self.lanes)) * self._lane_height())

    def wave_width(self) -> int:
        """How many columns of peaks the waveforms use at the current size."""
        return max(1, int(self.wave_rect().width()))

    def frame_at(self, x: float) -> int:
        """The frame under the horizontal position X."""
        area = self.wave_rect()
        share = (x - area.left()) / area.width()
        return int(round(min(1.0, max(0.0, share)) * self.frames))

    def x_of(self, frame: int) -> float:
        """The horizontal position of FRAME."""
        area = self.wave_rect()
        return area.left() + area.width() * (frame / self.frames if self.frames else 0.0)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self._line() * 40,
                     self._band_height() + max(1, len(self.lanes)) * self._lane_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self._line() * 20, self.sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange,
                            QEvent.Type.StyleChange):
            self._redraw()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._static = None
        if event.oldSize().width() != event.size().width():
            self.wave_width_changed.emit(self.wave_width())

    def lane_at(self, y: float) -> Lane | None:
        """The lane at the vertical position Y, if any."""
        row = int((y - self.wave_rect().top()) // self._lane_height())
        return self.lanes[row] if 0 <= row < len(self.lanes) and y >= self._band_height() else None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            lane = self.lane_at(event.pos().y())
            if lane is not None:  # the full words, which the lane may have had to cut short
                QToolTip.showText(event.globalPos(), _("{title}: {people}").format(
                    title=lane.title, people=lane.people or _("no one listed")), self)
                return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton and self.frames:
            if event.position().x() >= self.wave_rect().left():
                self.seek_requested.emit(self.frame_at(event.position().x()))
                return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(Qt.Key(event.key()))
        if step and self.frames:
            self.seek_requested.emit(max(0, min(self.frames,
                                                self.playhead + step * self.samplerate)))
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        if self._static is None:
            self._static = self._render_static()
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._static)
        if self.lanes:
            self._paint_playhead(painter, self.wave_rect())
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
                                     _("MIDI notes (not played back here)"))
            elif lane.track_id in self._peaks:
                draw_peaks(painter, inner, self._peaks[lane.track_id], wave)
        self._paint_dropouts(painter, area)
        self._paint_markers(painter, area, text)

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

    def _paint_playhead(self, painter: QPainter, area: QRectF) -> None:
        x = self.x_of(self.playhead)
        painter.setPen(QPen(QColor(230, 120, 0), 2))
        painter.drawLine(QPointF(x, 0), QPointF(x, area.bottom()))

    def _elided(self, words: str, width: float) -> str:
        return self.fontMetrics().elidedText(words, Qt.TextElideMode.ElideRight, int(width))
