"""A splitter whose first pane keeps the size the person dragged it to, in the preferences, so
that it opens at that size next time too."""

from __future__ import annotations

import logging

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import QSplitter, QWidget

from mt_studio.core import preferences

log = logging.getLogger(__name__)

SAVE_AFTER_MS = 500  # once the handle rests


class RememberedSplitter(QSplitter):
    """A splitter of two panes whose first pane's size is the preference called FIELD."""

    def __init__(self, orientation: Qt.Orientation, field: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self._field = field
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(self.save)
        self.splitterMoved.connect(lambda _pos, _index: self._timer.start())
        self.setChildrenCollapsible(False)
        self.setHandleWidth(max(self.handleWidth(), self.fontMetrics().height() // 2))

    def restore(self, first: int, rest: int) -> None:
        """Size the panes as remembered, or FIRST and REST (pixels) the first time."""
        remembered = getattr(preferences.load(), self._field)
        self.setSizes([remembered or first, rest])

    def save(self) -> None:
        """Remember the first pane's size now."""
        self._timer.stop()
        try:
            saved = preferences.load()
            preferences.save(saved._replace(**{self._field: self.sizes()[0]}))
        except OSError as error:  # a size is not worth a message
            log.info("the size of a pane was not saved: %s", error)
