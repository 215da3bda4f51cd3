"""The lyrics editor, with its column of stamps ("take 2 at 1:05") beside the lines.

A stamp is clicked, or chosen with the arrow keys and Enter, to play its take from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PyQt6.QtCore import QEvent, QRect, QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QFont, QPainter, QPalette, QTextCursor, QTextFormat
from PyQt6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from mt_studio.core.domain.songs import LyricStamp, SongVersion
from mt_studio.core.errors import InputError
from mt_studio.core.studio import songs
from mt_studio.i18n import _

TEXT_SCALE = 1.2  # the words are what people read here: a little larger than the system font

Stamped = dict[int, list[tuple[LyricStamp, str]]]  # line shown -> its stamps, each in words


def scaled_font(font: QFont, factor: float) -> QFont:
    """FONT made FACTOR times larger, whether the system gives it in points or pixels."""
    font = QFont(font)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:
        font.setPixelSize(round(font.pixelSize() * factor))
    return font


def set_up_text(editor: QPlainTextEdit, name: str) -> None:
    """Give EDITOR the larger reading font, Tab moving on to the next field, and NAME."""
    editor.setFont(scaled_font(editor.font(), TEXT_SCALE))
    editor.setTabChangesFocus(True)
    editor.setAccessibleName(name)


def make_read_only(editor: QPlainTextEdit) -> None:
    """Make EDITOR read-only, and look it: its text on the window's colour."""
    editor.setReadOnly(True)
    palette = editor.palette()
    palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
    editor.setPalette(palette)
    if isinstance(editor, LyricsEditor):
        editor.setExtraSelections([])


class StampColumn(QWidget):
    """The stamps beside the lyric lines: a click, or Enter on the chosen one, plays it."""

    def __init__(self, editor: LyricsEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.current = 0
        self._hits: list[tuple[QRectF, LyricStamp]] = []
        self.setMouseTracking(True)
        self.setAccessibleName(_("Stamps beside the lines"))
        self.setToolTip(self.tip())

    @staticmethod
    def tip() -> str:
        """What the column is for."""
        return _("Click a stamp, or press Enter on it, to play the take from there.")

    def entries(self) -> list[tuple[int, LyricStamp, str]]:
        """Every stamp shown, by line: (line, stamp, words)."""
        return [(line, stamp, words) for line in sorted(self.editor.stamps)
                for stamp, words in self.editor.stamps[line]]

    def choose(self, index: int) -> None:
        """Make stamp INDEX the chosen one and put the text cursor on its line."""
        found = self.entries()
        if not found:
            return
        self.current = max(0, min(index, len(found) - 1))
        line, _stamp, words = found[self.current]
        self.setAccessibleDescription(_("Line {line}: {stamp}").format(line=line + 1,
                                                                      stamp=words))
        self.editor.put_cursor_on(line)
        self.update()

    def activate(self, index: int | None = None) -> None:
        """Play stamp INDEX (the chosen one by default)."""
        found = self.entries()
        if index is not None:
            self.choose(index)
        if found:
            stamp = found[min(self.current, len(found) - 1)][1]
            self.editor.stamp_activated.emit(stamp.take_id, stamp.frame)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        editor = self.editor
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(0, 0, 0, self.height())
        metrics = self.fontMetrics()
        line_height = editor.fontMetrics().height()  # the stamps sit level with their lines
        gap = metrics.horizontalAdvance("  ")
        chosen = self.entries()[self.current][1] if self.hasFocus() and editor.stamps else None
        self._hits = []
        block = editor.firstVisibleBlock()
        offset = editor.contentOffset()
        while block.isValid():
            top = editor.blockBoundingGeometry(block).translated(offset).top()
            if top > self.height():
                break
            x = float(gap)
            for stamp, words in editor.stamps.get(block.blockNumber(), ()):
                room = self.width() - x - gap / 2
                if room < metrics.horizontalAdvance("…") * 2:
                    break
                text = metrics.elidedText(words, Qt.TextElideMode.ElideRight, int(room))
                rect = QRectF(x, top, metrics.horizontalAdvance(text), line_height)
                painter.setPen(palette.color(QPalette.ColorRole.Link))
                painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 text)
                if stamp == chosen:
                    painter.setPen(palette.color(QPalette.ColorRole.Highlight))
                    painter.drawRect(rect.adjusted(-gap / 4, 0, gap / 4, -1))
                self._hits.append((rect, stamp))
                x += rect.width() + gap
            block = block.next()

    def _hit(self, position) -> LyricStamp | None:
        return next((stamp for rect, stamp in self._hits if rect.contains(position)), None)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        over = self._hit(event.position())
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        words = next((w for _line, stamp, w in self.entries() if stamp == over), None)
        self.setToolTip(_("Play from {stamp}").format(stamp=words) if words else self.tip())

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        stamp = self._hit(event.position())
        if stamp is not None:
            self.activate([entry[1] for entry in self.entries()].index(stamp))

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Left):
            self.choose(self.current - 1)
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Right):
            self.choose(self.current + 1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate()
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        line = self.editor.textCursor().blockNumber()
        found = self.entries()
        self.choose(next((i for i, entry in enumerate(found) if entry[0] >= line),
                         len(found) - 1))
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.update()
        super().focusOutEvent(event)


class LyricsEditor(QPlainTextEdit):
    """Plain-text lyrics with a column of stamps beside the lines.

    `stamp_activated(take_id, frame)` when a stamp is clicked or chosen with Enter.
    """

    stamp_activated = pyqtSignal(int, int)

    def __init__(self, parent: QWidget | None = None, *, keep_room: bool = True) -> None:
        super().__init__(parent)
        self.stamps: Stamped = {}
        self.keep_room = keep_room  # for stamps to come: the words do not jump at the first
        set_up_text(self, _("Lyrics"))
        self.column = StampColumn(self)
        self.updateRequest.connect(self._update_column)
        self.cursorPositionChanged.connect(self._mark_line)
        self.viewport().installEventFilter(self)
        self.set_stamps({})

    def _update_column(self, *_request: object) -> None:
        self.column.update()  # the text scrolled or changed: the stamps beside it move too

    def set_stamps(self, stamps: Stamped) -> None:
        """Show STAMPS beside their lines (line number -> stamps with their words)."""
        self.stamps = stamps
        self.column.setFocusPolicy(Qt.FocusPolicy.StrongFocus if stamps
                                   else Qt.FocusPolicy.NoFocus)
        self.column.current = min(self.column.current, max(0, len(self.column.entries()) - 1))
        self._fit_column()
        self.column.update()

    def show_stamps(self, stamps: Iterable[LyricStamp], describe: Callable[[LyricStamp], str],
                    moved: dict[int, int] | None = None) -> None:
        """Show STAMPS beside their lines, each in the words DESCRIBE gives it. MOVED, if given,
        maps a stamp's line to the line it is shown beside; a stamp whose line it lacks is not
        shown."""
        stamped: Stamped = {}
        for stamp in stamps:
            line = stamp.line if moved is None else moved.get(stamp.line)
            if line is not None:
                stamped.setdefault(line, []).append((stamp, describe(stamp)))
        self.set_stamps(stamped)

    def show_kept_stamps(self, version: SongVersion,
                         describe: Callable[[LyricStamp], str]) -> None:
        """Show VERSION's stamps beside the lines that keep them if the words typed are saved
        after it: the core's own rule (`songs.carried_lines`), so what is shown is what Save
        does."""
        now = [text.rstrip() for text in self._line_texts()]
        self.show_stamps(version.stamps, describe, songs.carried_lines(songs.lines(version), now))

    def saved_line(self, line: int) -> int:
        """The line of the saved words that LINE of the words typed becomes."""
        before = "\n".join(self._line_texts(line + 1))
        try:
            return max(0, len(songs.lines(before)) - 1)
        except InputError:
            return line

    def _line_texts(self, count: int | None = None) -> list[str]:
        """The text of the first COUNT lines as typed (of every line by default)."""
        document = self.document()
        count = document.blockCount() if count is None else count
        return [document.findBlockByNumber(n).text() for n in range(count)]

    def _mark_line(self) -> None:
        """A soft band on the line under the cursor: the one "Stamp this line" stamps."""
        if self.isReadOnly():
            self.setExtraSelections([])
            return
        band = QTextEdit.ExtraSelection()
        colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        colour.setAlpha(40)
        band.format.setBackground(colour)
        band.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        band.cursor = self.textCursor()
        band.cursor.clearSelection()
        self.setExtraSelections([band])

    def shown_stamps(self, line: int) -> list[LyricStamp]:
        """The stamps shown beside LINE."""
        return [stamp for stamp, _words in self.stamps.get(line, ())]

    def cursor_stamps(self) -> list[LyricStamp]:
        """The stamps shown beside the text cursor's line."""
        return self.shown_stamps(self.textCursor().blockNumber())

    def put_cursor_on(self, line: int) -> None:
        """Move the text cursor to the start of LINE and show it."""
        block = self.document().findBlockByNumber(line)
        if block.isValid():
            self.setTextCursor(QTextCursor(block))
            self.ensureCursorVisible()

    def place_cursor(self, line: int, column: int) -> None:
        """Move the text cursor to COLUMN of LINE (to its end if shorter), scrolling nothing."""
        block = self.document().findBlockByNumber(line)
        if block.isValid():
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.Right, n=min(column, block.length() - 1))
            self.setTextCursor(cursor)

    def _fit_column(self) -> None:
        if not self.stamps and not self.keep_room:
            self.setViewportMargins(0, 0, 0, 0)
            self.column.hide()
            return
        self.column.show()
        metrics = self.column.fontMetrics()
        gap = metrics.horizontalAdvance("  ")
        widest = max([metrics.horizontalAdvance(_("take {number} at {time}").format(
            number=9, time="0:00"))] + [
            sum(metrics.horizontalAdvance(words) + gap for _stamp, words in line)
            for line in self.stamps.values()])
        width = min(widest + 2 * gap, max(gap * 8, self.width() * 9 // 20))
        self.setViewportMargins(0, 0, width, 0)
        self._place_column()

    def _place_column(self) -> None:
        viewport = self.viewport().geometry()
        width = self.viewportMargins().right()
        self.column.setGeometry(QRect(viewport.right() + 1, viewport.top(), width,
                                      viewport.height()))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self._place_column()  # a scroll bar came or went
        return super().eventFilter(watched, event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_column()

