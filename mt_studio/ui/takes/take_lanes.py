"""The lanes of one take: a row per track (waveform, instrument, who is heard), with markers,
dropouts, a loop region and a playhead drawn across them, zoomable down to single samples.

The band on top is the loop strip: drag across it to make a loop, drag a loop's edges to move
them; edges snap to markers and bar lines nearby. Ctrl+wheel (or + and -) zooms around the
pointer (or the playhead), Shift+wheel moves along, 0 shows the whole take again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PyQt6.QtCore import QEvent, QRectF, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QKeyEvent, QMouseEvent, QPixmap
from PyQt6.QtWidgets import QSizePolicy, QToolTip, QWidget

from mt_studio.core.metronome import BeatGrid
from mt_studio.i18n import _
from mt_studio.ui.takes.lane_marks import Lane, Mark, Note, Span
from mt_studio.ui.takes.lane_painting import LanePainting


class TakeLanes(LanePainting, QWidget):
    """All lanes of a take in one widget; click (or Left/Right) moves the playhead.

    Emits `seek_requested(frame)` when the person moves the playhead, `loop_changed(region)`
    ((start, end) in frames, or None) when they draw or move a loop, and `view_changed(start,
    stop, columns)` when the waveforms need recomputing for another stretch or width (the
    owner computes peaks in a worker and hands them back with `set_peaks`).
    """

    seek_requested = pyqtSignal(int)
    loop_changed = pyqtSignal(object)
    view_changed = pyqtSignal(int, int, int)

    SNAP_PIXELS = 8
    EDGE_PIXELS = 6
    MIN_FRAMES_PER_PIXEL = 1 / 16  # zoomed in this far, each sample is a short line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lanes: list[Lane] = []
        self.dropouts: list[Span] = []
        self.markers: list[Mark] = []
        self.frames = 0
        self.samplerate = 48000
        self.playhead = 0
        self.view_start = 0
        self.view_stop = 0
        self.loop: tuple[int, int] | None = None
        self.grid: BeatGrid | None = None
        self._drag: tuple[str, int] | None = None  # what a press in the loop strip moves
        self._peaks: dict[int, tuple[np.ndarray, int, int]] = {}  # peaks, and their stretch
        self._notes: dict[int, list[Note]] = {}
        self._static: QPixmap | None = None  # everything but the playhead, drawn once
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(_("Tracks of the take"))
        self.setToolTip(_("One row per track. Click to move the playhead; the Left and Right "
                          "arrow keys move it by a second. Drag along the strip at the top to "
                          "mark a part to loop. Ctrl+wheel or + and - zoom, 0 shows it all."))

    def set_take(self, lanes: Sequence[Lane], frames: int, samplerate: int,
                 markers: Sequence[Mark] = (), dropouts: Sequence[Span] = ()) -> None:
        """Show a take's lanes (waveforms come later through `set_peaks`)."""
        self.lanes = list(lanes)
        self.frames, self.samplerate = max(0, frames), max(1, samplerate)
        self.markers, self.dropouts = list(markers), list(dropouts)
        self.playhead = 0
        self.view_start, self.view_stop = 0, self.frames
        self.loop = None
        self._peaks.clear()
        self._notes.clear()
        self.setAccessibleDescription("; ".join(
            _("{title}: {people}").format(title=lane.title, people=lane.people)
            if lane.people else lane.title for lane in self.lanes))
        self.updateGeometry()
        self._redraw()

    def set_peaks(self, track_id: int, peaks: np.ndarray, start: int = 0,
                  stop: int | None = None) -> None:
        """Show PEAKS (columns × (min, max)) of frames START..STOP (default the whole take) as
        the waveform of TRACK_ID's lane; until peaks of the view arrive, these are stretched."""
        self._peaks[track_id] = (peaks, start, self.frames if stop is None else stop)
        self._redraw()

    def set_markers(self, markers: Sequence[Mark]) -> None:
        """Show these markers (after one was added)."""
        self.markers = list(markers)
        self._redraw()

    def set_grid(self, grid: BeatGrid | None) -> None:
        """Snap loop edges to the bars of GRID too (None: to markers only)."""
        self.grid = grid
        self._redraw()

    def set_loop(self, region: tuple[int, int] | None) -> None:
        """Show REGION as the loop (None: no loop); emits nothing."""
        if region is not None:
            start, end = sorted(max(0, min(self.frames, int(f))) for f in region)
            region = (start, end) if end > start else None
        self.loop = region
        self._redraw()

    def set_view(self, start: int, stop: int) -> None:
        """Show frames START..STOP across the lanes (kept within the take, at least a few
        frames); emits view_changed when it moved."""
        least = max(8, int(self.wave_width() * self.MIN_FRAMES_PER_PIXEL))
        span = max(least, min(self.frames, int(stop) - int(start)))
        start = max(0, min(int(start), self.frames - span))
        if (start, start + span) == (self.view_start, self.view_stop):
            return
        self.view_start, self.view_stop = start, start + span
        self._redraw()
        self.view_changed.emit(self.view_start, self.view_stop, self.wave_width())

    def zoom(self, factor: float, around: int | None = None) -> None:
        """Show FACTOR times fewer frames (below 1: more), keeping AROUND (default the
        playhead) where it is on screen."""
        around = self.playhead if around is None else around
        span = self.view_stop - self.view_start
        share = (around - self.view_start) / span if span else 0.5
        share = min(1.0, max(0.0, share))
        new = span / factor
        start = around - share * new
        self.set_view(int(round(start)), int(round(start + new)))

    def show_all(self) -> None:
        """Show the whole take."""
        self.set_view(0, self.frames)

    def peaks(self, track_id: int) -> np.ndarray | None:
        """The waveform shown in TRACK_ID's lane, if it has arrived."""
        found = self._peaks.get(track_id)
        return found[0] if found is not None else None

    def set_notes(self, track_id: int, notes: Sequence[Note]) -> None:
        """Show NOTES in TRACK_ID's (MIDI) lane."""
        self._notes[track_id] = list(notes)
        self._redraw()

    def notes(self, track_id: int) -> list[Note] | None:
        """The notes shown in TRACK_ID's lane, if they have arrived."""
        return self._notes.get(track_id)

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
        share = min(1.0, max(0.0, (x - area.left()) / area.width()))
        return int(round(self.view_start + share * (self.view_stop - self.view_start)))

    def x_of(self, frame: float) -> float:
        """The horizontal position of FRAME (outside the area when FRAME is out of view)."""
        area = self.wave_rect()
        span = self.view_stop - self.view_start
        return area.left() + area.width() * ((frame - self.view_start) / span if span else 0.0)

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
            self.view_changed.emit(self.view_start, self.view_stop, self.wave_width())

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
        x, y = event.position().x(), event.position().y()
        if event.button() == Qt.MouseButton.LeftButton and self.frames and \
                x >= self.wave_rect().left():
            if y < self._band_height():
                self._drag = self._loop_grip(x)
                return
            self.seek_requested.emit(self.frame_at(x))
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if self._drag is None:
            return super().mouseMoveEvent(event)
        frame = self.snapped(self.frame_at(event.position().x()))
        what, anchor = self._drag
        if what == "new" and abs(self.x_of(frame) - self.x_of(anchor)) < self.EDGE_PIXELS:
            return  # not yet a drag: a click in the strip
        if what in ("new", "start", "end"):
            fixed = anchor if what == "new" else self.loop[1 if what == "start" else 0]
            self.set_loop((min(fixed, frame), max(fixed, frame)))
            self._drag = ("start" if frame < fixed else "end", fixed) if what == "new" \
                else self._drag
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if self._drag is not None:
            self._drag = None
            self.loop_changed.emit(self.loop)
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        """A double click in the strip loops the part between the markers around it."""
        if event.position().y() < self._band_height() and self.frames:
            region = self.marked_part(self.frame_at(event.position().x()))
            self.set_loop(region)
            self.loop_changed.emit(self.loop)
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        modifiers = event.modifiers()
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if not steps or not self.frames:
            return super().wheelEvent(event)
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.5 ** steps, self.frame_at(event.position().x()))
        elif modifiers & Qt.KeyboardModifier.ShiftModifier or event.angleDelta().x():
            span = self.view_stop - self.view_start
            start = self.view_start - int(steps * span / 8)
            self.set_view(start, start + span)
        else:
            return super().wheelEvent(event)  # the scroll area moves through the lanes
        event.accept()
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = Qt.Key(event.key())
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(key)
        if step and self.frames:
            self.seek_requested.emit(max(0, min(self.frames,
                                                self.playhead + step * self.samplerate)))
            return
        zoom = {Qt.Key.Key_Plus: 2.0, Qt.Key.Key_Equal: 2.0, Qt.Key.Key_Minus: 0.5}.get(key)
        if zoom and self.frames:
            self.zoom(zoom)
            return
        if key == Qt.Key.Key_0 and self.frames:
            self.show_all()
            return
        super().keyPressEvent(event)

    def snapped(self, frame: int) -> int:
        """FRAME moved to the nearest marker or bar line within a few pixels, if any."""
        near = [m.frame for m in self.markers] + [0, self.frames]
        if self.grid is not None:
            near += self.grid.bar_frames(self.samplerate, self.view_start, self.view_stop)
        best = min(near, key=lambda f: abs(f - frame))
        return best if abs(self.x_of(best) - self.x_of(frame)) <= self.SNAP_PIXELS else frame

    def marked_part(self, frame: int) -> tuple[int, int] | None:
        """The part of the take between the markers around FRAME (a verse, a chorus)."""
        edges = sorted({0, self.frames, *(m.frame for m in self.markers)})
        for start, end in zip(edges, edges[1:], strict=False):
            if start <= frame < end:
                return start, end
        return None

    def _loop_grip(self, x: float) -> tuple[str, int]:
        """What a press at X in the strip takes hold of: an edge of the loop, or a new one."""
        if self.loop is not None:
            for what, frame in (("start", self.loop[0]), ("end", self.loop[1])):
                if abs(self.x_of(frame) - x) <= self.EDGE_PIXELS:
                    return what, frame
        return "new", self.snapped(self.frame_at(x))
