"""The "My songs" page: what a participant sees in participant mode, in large type and big
buttons. It asks only the participant's own studio (`ParticipantStudio`), which gives only
what is theirs, and redraws on the studio's events through the bridge (docs/architecture.md):
a song saved, a take kept, or consent withdrawn by anyone shows here at once.

`my_song_list` lists their songs, `my_song_view` shows one with its takes; `my_take_player`,
`my_copy`, `my_recorder`, `my_looper` and `my_tempo` are the parts of a song's takes;
`big_type` and `my_words` are small pieces they share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.bridge import StudioBridge
from mt_studio.ui.common.key_shortcuts import add_shortcuts
from mt_studio.ui.participant import my_song_list
from mt_studio.ui.participant.big_type import big_button, heading, page_font
from mt_studio.ui.participant.my_song_list import MySongList
from mt_studio.ui.participant.my_song_view import MySongView
from mt_studio.ui.recording.count_in import ClickPlayer, output_player

if TYPE_CHECKING:
    from mt_studio.core.studio.participant_studio import ParticipantStudio


class MySongsPage(QWidget):
    """Participant mode's page for MINE, recording and playing on DEVICE (the audio interface
    the therapist chose; None: none, and the system's output plays): a header with their
    pseudonym and Leave, their songs, and the song open. CLICK_PLAYER plays the count-in's
    click (default: on DEVICE's output).

    `leave_requested()` when Leave is pressed (the window asks for a therapist's passphrase).
    """

    leave_requested = pyqtSignal()

    def __init__(self, mine: ParticipantStudio, device: str | None,
                 parent: QWidget | None = None, *,
                 click_player: ClickPlayer | None = None) -> None:
        super().__init__(parent)
        self.mine = mine
        self.setFont(page_font())
        self.setAccessibleName(_("My songs"))
        self.bridge = StudioBridge(mine, self)
        self.name = heading(mine.participant.pseudonym, _("Who is at the keyboard"))
        self.name.setFont(page_font(1.6))
        self.leave_button = big_button(_("Leave"), _("Leave my songs"),
                                       _("Hand the studio back to your therapist."))
        self.leave_button.clicked.connect(self._leave)
        self.songs = MySongList()
        self.song_view = MySongView(mine, device,
                                    click_player=click_player or output_player(device))
        self.pages = QStackedWidget()
        self.pages.addWidget(self.songs)
        self.pages.addWidget(self.song_view)
        header = QHBoxLayout()
        header.addWidget(self.name, 1)
        header.addWidget(self.leave_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.pages, 1)

        self.songs.open_requested.connect(self.open_song)
        self.songs.new_requested.connect(self.new_song)
        self.song_view.back_requested.connect(self.show_songs)
        # What the studio says changed is shown once the event loop comes round: once for
        # several changes at a time.
        self._redraw_soon = QTimer(self)
        self._redraw_soon.setSingleShot(True)
        self._redraw_soon.timeout.connect(self.redraw)
        for changed in (self.bridge.song_changed, self.bridge.consent_changed):
            changed.connect(self._changed)
        self.bridge.take_changed.connect(self._changed)
        add_shortcuts(self, (("Space", self._space),))
        self.show_songs()

    def show_songs(self) -> None:
        """Show their songs."""
        self.songs.show_songs(self.mine.songs.all())
        self.pages.setCurrentWidget(self.songs)
        self.songs.list.setFocus()

    def open_song(self, song_id: int) -> None:
        """Show their song SONG_ID."""
        try:
            song = self.mine.songs.get(song_id)
        except MtStudioError as error:
            self.songs.message.setText(str(error))
            return
        self.song_view.show_song(song)
        self.pages.setCurrentWidget(self.song_view)
        self.song_view.lyrics.setFocus()

    def new_song(self) -> None:
        """Ask for a title, make the song theirs and open it."""
        title = my_song_list.ask_title(self)
        if title is None:
            return
        try:
            song = self.mine.songs.create(title)
        except MtStudioError as error:
            self.songs.message.setText(str(error))
            return
        self.open_song(song.id)

    def redraw(self) -> None:
        """Show their songs and takes as they are now."""
        if self.pages.currentWidget() is self.song_view:
            self.song_view.song_changed()
            self.song_view.recorder.refresh()
            self.song_view.looper.refresh()
        else:
            self.songs.show_songs(self.mine.songs.all())

    def let_go(self) -> None:
        """Keep the words typed, stop playing and recording (participant mode ends)."""
        self.song_view.save()
        self.song_view.let_go()
        self.bridge.close()

    def _changed(self, *_what: object) -> None:
        self._redraw_soon.start()

    def _leave(self, *_checked: object) -> None:
        self.leave_requested.emit()

    def _space(self) -> None:
        focused = QApplication.focusWidget()
        if isinstance(focused, QAbstractButton):  # Space still presses the button it is on
            focused.animateClick()
        elif isinstance(focused, QComboBox):  # and opens the list it is on
            focused.showPopup()
        elif self.pages.currentWidget() is self.song_view and self.song_view.take_list.isEnabled():
            self.song_view.player.toggle()
