"""The strip above a take's lanes that shows what analyses found over stretches of it: a row
of chords, a bar each, and a row for any other kind (sections); lined up with the waveforms,
zooming and scrolling with them."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import QEvent, QPoint, QRectF, QSize, Qt
from PyQt6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PyQt6.QtWidgets import QSizePolicy, QToolTip, QWidget

from mt_studio.core.plugins.extensions import Annotation
from mt_studio.i18n import _
from mt_studio.ui.takes.take_lanes import TakeLanes

MAX_ROWS = 3


def kind_title(kind: str) -> str:
    """The row's title for annotations of KIND."""
    return {"chord": _("Chords"), "section": _("Sections"), "key": _("Key"),
            "tempo": _("Tempo")}.get(kind, kind.capitalize())


class AnnotationStrip(QWidget):
    """Spans of a take in rows by kind (chords first), drawn where LANES draws those frames;
    hidden while there are none."""

    def __init__(self, lanes: TakeLanes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lanes = lanes
        self.rows: list[tuple[str, list[Annotation]]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Chords and other findings of the take"))
        lanes.view_changed.connect(self._view_changed)
        self.setVisible(False)

    def set_annotations(self, spans: Sequence[Annotation]) -> None:
        """Show SPANS (annotations with an end), a row per kind."""
        kinds: dict[str, list[Annotation]] = {}
        for annotation in spans:
            kinds.setdefault(annotation.kind, []).append(annotation)
        ordered = sorted(kinds, key=lambda k: (k != "chord", k))[:MAX_ROWS]
        self.rows = [(kind, kinds[kind]) for kind in ordered]
        self.setAccessibleDescription("; ".join(
            _("{kind}: {labels}").format(kind=kind_title(kind),
                                         labels=", ".join(a.label for a in found))
            for kind, found in self.rows))
        self.setVisible(bool(self.rows))
        self.updateGeometry()
        self.update()

    def labels(self, kind: str = "chord") -> list[str]:
        """The labels of the KIND row, from the start of the take."""
        return [a.label for row_kind, found in self.rows if row_kind == kind for a in found]

    def _line(self) -> int:
        return self.fontMetrics().height()

    def _row_height(self) -> int:
        return int(self._line() * 1.6)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self._line() * 40, max(1, len(self.rows)) * self._row_height() + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self._line() * 20, self.sizeHint().height())

    def _offset(self) -> int:
        """How far right of this strip's left edge the lanes' left edge is."""
        top = self.window()
        return self._lanes.mapTo(top, QPoint(0, 0)).x() - self.mapTo(top, QPoint(0, 0)).x()

    def _x_of(self, frame: int) -> float:
        return self._offset() + self._lanes.x_of(frame)

    def _wave_area(self) -> tuple[float, float]:
        wave = self._lanes.wave_rect()
        return self._offset() + wave.left(), wave.width()

    def _view_changed(self, *_view: int) -> None:
        self.update()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            found = self._annotation_at(event.pos())
            if found is not None:  # the full label, which the box may have had to cut short
                QToolTip.showText(event.globalPos(), found.label, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def _annotation_at(self, pos: QPoint) -> Annotation | None:
        row = pos.y() // self._row_height()
        if not 0 <= row < len(self.rows):
            return None
        frame = self._lanes.frame_at(pos.x() - self._offset())
        return next((a for a in self.rows[row][1] if a.start <= frame < (a.end or a.start)),
                    None)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        left, width = self._wave_area()
        height, line = self._row_height(), self._line()
        for index, (kind, found) in enumerate(self.rows):
            top = index * height
            painter.setPen(text)
            title = QRectF(line / 2, top, max(0.0, left - line), height)
            painter.drawText(title, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             self._elided(kind_title(kind), title.width()))
            painter.save()
            painter.setClipRect(QRectF(left, top, width, height))
            self._paint_row(painter, found, top + 1, height - 2, palette)
            painter.restore()

    def _paint_row(self, painter: QPainter, found: list[Annotation], top: float,
                   height: float, palette: QPalette) -> None:
        fills = (palette.color(QPalette.ColorRole.Base),
                 palette.color(QPalette.ColorRole.AlternateBase))
        frame_pen = QPen(palette.color(QPalette.ColorRole.Mid), 1)
        text = palette.color(QPalette.ColorRole.Text)
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        lanes = self._lanes
        for number, annotation in enumerate(found):
            end = annotation.end if annotation.end is not None else annotation.start
            if end < lanes.view_start or annotation.start > lanes.view_stop:
                continue
            x0, x1 = self._x_of(annotation.start), self._x_of(end)
            box = QRectF(x0, top, max(1.0, x1 - x0), height)
            painter.fillRect(box, fills[number % 2])
            painter.setPen(frame_pen)
            painter.drawRect(box)
            if box.width() > self._line():
                painter.setPen(text)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter,
                                 painter.fontMetrics().elidedText(
                                     annotation.label, Qt.TextElideMode.ElideRight,
                                     int(box.width() - 4)))

    def _elided(self, words: str, width: float) -> str:
        return self.fontMetrics().elidedText(words, Qt.TextElideMode.ElideRight, int(width))
