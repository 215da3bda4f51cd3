"""The list of a session's takes, each a line of words with a waveform thumbnail drawn in the
background; and the words that describe a take."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from PyQt6.QtCore import QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QIcon, QPainter, QPalette, QPixmap
from PyQt6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from mt_studio.core.domain import TakeStatus
from mt_studio.core.domain.takes import Take
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.dates import clock_text
from mt_studio.ui.common.take_words import length_words
from mt_studio.ui.common.worker import run_in_worker
from mt_studio.ui.takes.lane_loading import peaks_or_none
from mt_studio.ui.takes.lane_painting import draw_peaks
from mt_studio.ui.takes.take_naming import note_line, take_title

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio

TAKE_ID_ROLE = Qt.ItemDataRole.UserRole
THUMBNAIL_ROLE = Qt.ItemDataRole.UserRole + 1  # True once the item shows its thumbnail
THUMBNAIL_COLUMNS = 160


def status_words(take: Take) -> str:
    """The take's state in words: complete, recovered, still recording; and its dropouts."""
    words = {
        TakeStatus.COMPLETE: _("complete"),
        TakeStatus.RECOVERED: _("recovered after a crash"),
        TakeStatus.RECORDING: _("still recording"),
    }[take.status]
    if take.dropouts:
        count = len(take.dropouts)
        words = _("{status}, {dropouts}").format(status=words, dropouts=ngettext(
            "has {n} dropout", "has {n} dropouts", count).format(n=count))
    return words


def take_summary(take: Take) -> str:
    """One line for the takes list: name or number, time, length and status."""
    return _("{take} · {time} · {length} · {status}").format(
        take=take_title(take), time=clock_text(take.started_at),
        length=length_words(take.frames, take.samplerate), status=status_words(take))


def take_lines(take: Take) -> str:
    """The take's line in the list, and the first line of its note under it if it has one."""
    note = note_line(take)
    return take_summary(take) + ("\n" + _("Note: {note}").format(note=note) if note else "")


class TakeList(QListWidget):
    """Takes with their thumbnails: the first audio track of each as the studio resolves it,
    its waveform read in a worker.

    `take_chosen(take_id)` when the person chooses another take (None: none is chosen).
    """

    take_chosen = pyqtSignal(object)

    def __init__(self, studio: Studio, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._studio = studio
        self._thumbnails: dict[tuple[int, int], np.ndarray | None] = {}
        # Listing again keeps the chosen take without choosing it anew; the list's own
        # signals stay on, as a thumbnail that arrived meanwhile would be lost.
        self._listing = False
        self.setAccessibleName(_("Takes of this session"))
        self.setToolTip(_("Choose a take to see its tracks and play it."))
        self.currentItemChanged.connect(self._current_changed)

    def show_takes(self, found: list[Take], chosen: int | None,
                   marks: Mapping[int, str] | None = None) -> None:
        """List FOUND in that order, with take CHOSEN (if listed) current as it was; MARKS
        (by take id) go on a line of their own under a take, such as why it is restricted."""
        self._listing = True
        self.clear()
        for take in found:
            mark = (marks or {}).get(take.id, "")
            text = "\n".join(filter(None, (take_lines(take), mark and f"✖ {mark}")))
            item = QListWidgetItem(text)
            item.setData(TAKE_ID_ROLE, take.id)
            item.setToolTip("\n\n".join(filter(None, (take_summary(take), take.note, mark))))
            self.addItem(item)
            key = (take.id, take.frames)
            if key in self._thumbnails:
                self._set_icon(item, self._thumbnails[key])
            else:
                self._thumbnail_later(take)
            if take.id == chosen:
                self.setCurrentItem(item)
        self._listing = False

    def choose(self, take_id: int) -> bool:
        """Make TAKE_ID the current take; False if it is not in the list."""
        item = self._item_of(take_id)
        if item is not None:
            self.setCurrentItem(item)
        return item is not None

    def has_thumbnail(self, row: int) -> bool:
        """Whether the take in ROW shows its waveform thumbnail yet."""
        return bool(self.item(row).data(THUMBNAIL_ROLE))

    def _current_changed(self, item: QListWidgetItem | None, _previous=None) -> None:
        if not self._listing:
            self.take_chosen.emit(item.data(TAKE_ID_ROLE) if item is not None else None)

    def _item_of(self, take_id: int) -> QListWidgetItem | None:
        return next((item for item in map(self.item, range(self.count()))
                     if item.data(TAKE_ID_ROLE) == take_id), None)

    def _thumbnail_later(self, take: Take) -> None:
        take_id, frames = take.id, take.frames
        self._thumbnails[(take_id, frames)] = None  # under way: a refresh does not start another
        studio = self._studio

        def first_track_peaks() -> np.ndarray | None:  # the take resolved here too, not in the GUI
            sound = studio.listening.sound(take_id)
            if not sound.audio:
                return None
            return peaks_or_none(sound.folder, list(sound.audio[0].files), THUMBNAIL_COLUMNS)

        run_in_worker(self, first_track_peaks,
                      done=lambda peaks: self._show_thumbnail(take_id, frames, peaks))

    def _show_thumbnail(self, take_id: int, frames: int, peaks: np.ndarray | None) -> None:
        self._thumbnails[(take_id, frames)] = peaks
        item = self._item_of(take_id)
        if item is not None:
            self._set_icon(item, peaks)

    def _set_icon(self, item: QListWidgetItem, peaks: np.ndarray | None) -> None:
        if peaks is None:
            return
        size = self.iconSize()
        pixmap = QPixmap(size)
        pixmap.fill(self.palette().color(QPalette.ColorRole.Base))
        painter = QPainter(pixmap)
        draw_peaks(painter, QRectF(0, 0, size.width(), size.height()), peaks,
                   self.palette().color(QPalette.ColorRole.Highlight))
        painter.end()
        item.setIcon(QIcon(pixmap))
        item.setData(THUMBNAIL_ROLE, True)
