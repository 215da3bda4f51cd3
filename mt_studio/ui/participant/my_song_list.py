"""A participant's songs in a big list, with New song."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QInputDialog, QVBoxLayout, QWidget

from mt_studio.core.domain.songs import Song
from mt_studio.i18n import _
from mt_studio.ui.common.list_rows import (
    ID_ROLE,
    TwoLineList,
    inert_item,
    item_ids,
    two_line_item,
)
from mt_studio.ui.participant.big_type import big_button, heading, roomy, words
from mt_studio.ui.songs.song_words import saved_words


def ask_title(parent: QWidget) -> str | None:
    """Ask for a new song's title; None if they did not give one. (Looked up here when asked,
    so that a test can answer in its place.)"""
    title, given = QInputDialog.getText(parent, _("New song"), _("What is the song called? "
                                                                 "A working title is fine."))
    return title.strip() if given and title.strip() else None


class MySongList(QWidget):
    """Their songs by title; `open_requested(song_id)` to open one, `new_requested()` for
    New song."""

    open_requested = pyqtSignal(int)
    new_requested = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = TwoLineList(_("My songs"))
        self.list.setToolTip(_("Choose a song and press Enter, or click Open."))
        self.list.itemActivated.connect(self.open_chosen)
        roomy(self.list)
        self.open_button = big_button(_("Open"), _("Open the chosen song"))
        self.open_button.clicked.connect(self.open_chosen)
        self.new_button = big_button(_("New song"), _("Start a new song"),
                                     _("Start a new song with a title; the words come later."))
        self.new_button.clicked.connect(self.new_requested)
        self.message = words("", _("Songs status"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("My songs")))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def show_songs(self, songs: list[Song]) -> None:
        """Show SONGS (theirs), keeping the chosen one chosen."""
        chosen = self.chosen()
        self.list.blockSignals(True)
        self.list.clear()
        for song in songs:
            self.list.addItem(two_line_item(song.title, _("Version {number}, saved {when}")
                                            .format(number=song.latest.number,
                                                    when=saved_words(song.latest)), song.id))
        if not songs:
            self.list.addItem(inert_item(two_line_item(
                _("No songs yet"), _("Press “New song” to start one."), None)))
        shown = item_ids(self.list)
        self.list.setCurrentRow(shown.index(chosen) if chosen in shown else 0)
        self.list.blockSignals(False)
        self.open_button.setEnabled(bool(songs))

    def chosen(self) -> int | None:
        """The song chosen in the list (None: none)."""
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def shown_titles(self) -> list[str]:
        """The titles listed, top to bottom."""
        return [self.list.item(row).text() for row in range(self.list.count())
                if self.list.item(row).data(ID_ROLE) is not None]

    def open_chosen(self, *_checked: object) -> None:
        """Open the song chosen."""
        song_id = self.chosen()
        if song_id is not None:
            self.open_requested.emit(song_id)
