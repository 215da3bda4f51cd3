"""One of a participant's songs: its words (each Save a new version, as on the Songs tab),
their takes (those of this song first) to play, practise and copy, and a new take to record.
The takes listed are only those the participant's studio gives (docs/architecture.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from mt_studio.core.domain.songs import Song
from mt_studio.core.domain.takes import Take
from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.common.list_rows import ID_ROLE, inert_item, item_ids
from mt_studio.ui.participant.big_type import big_button, heading, page_font, roomy, words
from mt_studio.ui.participant.my_copy import MyCopy
from mt_studio.ui.participant.my_looper import MyLooper
from mt_studio.ui.participant.my_recorder import MyRecorder
from mt_studio.ui.participant.my_take_player import MyTakePlayer
from mt_studio.ui.participant.my_tempo import MyTempo
from mt_studio.ui.participant.my_words import my_take_words
from mt_studio.ui.recording.count_in import ClickPlayer, output_player
from mt_studio.ui.songs.lyrics_editor import LyricsEditor
from mt_studio.ui.songs.song_words import saved_words

if TYPE_CHECKING:
    from mt_studio.core.studio.participant_studio import ParticipantStudio

LYRICS_SCALE = 1.1  # against the page's type


class MySongView(QWidget):
    """The song shown (`show_song`): its words, Save, their takes, and Record.

    `back_requested()` when they go back to their songs.
    """

    back_requested = pyqtSignal()

    def __init__(self, mine: ParticipantStudio, device: str | None,
                 parent: QWidget | None = None, *,
                 click_player: ClickPlayer | None = None) -> None:
        super().__init__(parent)
        self._mine = mine
        self.song: Song | None = None
        self._saved_lyrics = ""
        self._takes: dict[int, Take] = {}
        self.back_button = big_button(_("Back to my songs"), _("Back to my songs"))
        self.back_button.clicked.connect(self._back)
        self.title = heading("", _("Song title"))
        self.lyrics = LyricsEditor(keep_room=False)
        self.lyrics.setFont(page_font(LYRICS_SCALE))
        self.lyrics.setAccessibleName(_("Lyrics"))
        self.lyrics.textChanged.connect(self._show_saved)
        self.save_button = big_button(_("Save"), _("Save the lyrics"),
                                      _("Keep these words as a new version (Ctrl+S)."))
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.saved = words("", _("Lyrics saved"))
        self.take_list = QListWidget()
        self.take_list.setAccessibleName(_("My takes"))
        roomy(self.take_list)
        self.take_list.setToolTip(_("Choose a take, then press Space to play or stop it."))
        self.take_list.currentItemChanged.connect(self._take_chosen)
        self.player = MyTakePlayer(mine, device)
        self.copy = MyCopy(mine)
        self.recorder = MyRecorder(mine, device, overlay=self,
                                   click_player=click_player or output_player(device))
        self.recorder.recording_changed.connect(self._recording_changed)
        self.recorder.take_recorded.connect(self._recorded)
        self.looper = MyLooper(mine, device)
        self.looper.looping_changed.connect(self._looping_changed)
        self.looper.take_made.connect(self._loop_kept)
        self.tempo = MyTempo()
        self.tempo.changed.connect(self._tempo_changed)
        self._lay_out()
        self._show_saved()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        save_line = QHBoxLayout()
        save_line.addWidget(self.save_button)
        save_line.addWidget(self.saved, 1)
        words_side = QVBoxLayout()
        words_side.addWidget(self.lyrics, 1)
        words_side.addLayout(save_line)
        takes_side = QVBoxLayout()
        takes_side.addWidget(heading(_("My takes")))
        takes_side.addWidget(self.take_list, 1)
        takes_side.addWidget(self.player)
        takes_side.addWidget(self.copy)
        takes_side.addStretch(1)
        takes_side.addWidget(self.tempo)
        sides = QHBoxLayout()
        sides.addLayout(words_side, 1)
        sides.addLayout(takes_side, 1)
        making = QHBoxLayout()  # what takes the audio device: a new take, or a loop
        making.addWidget(self.recorder, 1)
        making.addSpacing(self.fontMetrics().height())
        making.addWidget(self.looper, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(sides, 1)
        layout.addSpacing(self.fontMetrics().height() // 2)
        layout.addLayout(making)
        for first, second in ((self.back_button, self.lyrics), (self.lyrics, self.save_button),
                              (self.save_button, self.take_list),
                              (self.take_list, self.player.play_button)):
            QWidget.setTabOrder(first, second)

    # -- the song -----------------------------------------------------------------------------

    def show_song(self, song: Song) -> None:
        """Show SONG as it is now: its latest words and their takes."""
        self.song = song
        self.title.setText(song.title)
        self._saved_lyrics = song.latest.lyrics
        self.lyrics.setPlainText(song.latest.lyrics)
        self.tempo.show_song(song.id)
        self.show_takes()
        self._show_saved()

    def song_changed(self) -> None:
        """The song was changed (here or elsewhere): show its title and takes, and its words
        unless some are being typed."""
        if self.song is None:
            return
        try:
            song = self._mine.songs.get(self.song.id)
        except MtStudioError:  # no longer theirs: back to the list
            self.song = None
            self.back_requested.emit()
            return
        typing = self.unsaved
        self.song = song
        self.title.setText(song.title)
        self._saved_lyrics = song.latest.lyrics
        if not typing and self.lyrics.toPlainText() != song.latest.lyrics:
            self.lyrics.setPlainText(song.latest.lyrics)  # else the cursor stays where it is
        self.show_takes()
        self._show_saved()

    @property
    def unsaved(self) -> bool:
        """Whether words were typed since the last Save."""
        return self.song is not None and self.lyrics.toPlainText() != self._saved_lyrics

    def save(self, *_checked: object) -> None:
        """Keep the words typed as the song's next version."""
        if self.song is None or not self.unsaved:
            return
        try:
            version = self._mine.songs.save(self.song.id, self.lyrics.toPlainText())
        except MtStudioError as error:
            self.saved.setText(str(error))
            return
        self._saved_lyrics = version.lyrics
        self.saved.setText(_("Saved as version {number}, {when}.").format(
            number=version.number, when=saved_words(version)))
        self.save_button.setEnabled(False)

    def _show_saved(self) -> None:
        self.save_button.setEnabled(self.unsaved)
        if self.song is None:
            return
        if self.unsaved:
            self.saved.setText(_("Not saved yet."))
        elif not self.saved.text() or self.saved.text() == _("Not saved yet."):
            latest = self.song.latest
            self.saved.setText(_("Version {number}, saved {when}.").format(
                number=latest.number, when=saved_words(latest)))

    def _back(self, *_checked: object) -> None:
        self.save()
        self.let_go()
        self.back_requested.emit()

    def let_go(self) -> None:
        """Stop playing and recording (the take recorded is kept)."""
        self.recorder.counter.cancel()
        self.recorder.stop_recording()
        self.looper.let_go()
        self.player.let_go()

    # -- their takes --------------------------------------------------------------------------

    def show_takes(self) -> None:
        """List their takes again, this song's first, keeping the chosen one if it is there."""
        takes = self._mine.takes() if self.song is not None else []
        linked = set(self.song.take_ids) if self.song is not None else set()
        takes.sort(key=lambda take: (take.id not in linked, -take.started_at.timestamp()))
        chosen = self.player.take.id if self.player.take is not None else None
        self._takes = {take.id: take for take in takes}
        self.take_list.blockSignals(True)
        self.take_list.clear()
        for take in takes:
            item = QListWidgetItem(my_take_words(take, take.id in linked))
            item.setData(ID_ROLE, take.id)
            self.take_list.addItem(item)
        if not takes:
            self.take_list.addItem(inert_item(QListWidgetItem(_("No takes yet."))))
        shown = item_ids(self.take_list)
        self.take_list.setCurrentRow(shown.index(chosen) if chosen in shown else
                                     (0 if takes else -1))
        self.take_list.blockSignals(False)
        self._take_chosen()

    def shown_take_ids(self) -> list[int]:
        """The takes listed, top to bottom."""
        return [i for i in item_ids(self.take_list) if i is not None]

    def _take_chosen(self, *_changed: object) -> None:
        item = self.take_list.currentItem()
        take: Take | None = self._takes.get(item.data(ID_ROLE)) if item is not None else None
        self.player.show_take(take)
        self.copy.set_take(take.id if take is not None else None)

    def _tempo_changed(self, bpm: float) -> None:
        self.recorder.bpm = self.looper.bpm = bpm

    def _recording_changed(self, recording: bool) -> None:
        self._busy(recording)
        self.looper.setEnabled(not recording)

    def _looping_changed(self, looping: bool) -> None:
        self._busy(looping)
        self.recorder.setEnabled(not looping)

    def _busy(self, busy: bool) -> None:
        """The device is taken by a take or a loop: the player lets go, and the song stays."""
        if busy:
            self.player.let_go()
        self.player.setEnabled(not busy)
        self.tempo.setEnabled(not busy)
        self.copy.setEnabled(not busy)
        self.take_list.setEnabled(not busy)
        self.back_button.setEnabled(not busy)

    def _loop_kept(self, take_id: int) -> None:
        """A layer of their loop was kept: the loop take belongs to this song."""
        self._link(take_id, self.looper.message.setText)

    def _recorded(self, take_id: int) -> None:
        """A take of theirs was kept: it belongs to this song."""
        self._link(take_id, self.recorder.message.setText)

    def _link(self, take_id: int, say) -> None:
        if self.song is None:
            return
        try:
            self._mine.songs.link_take(self.song.id, take_id)
        except MtStudioError:  # others can be heard on it who do not share with the group
            say(_("The take is kept, but it cannot be shown here. Ask your therapist."))
        self.song_changed()
        if take_id in self._takes:
            self.take_list.setCurrentRow(self.shown_take_ids().index(take_id))
