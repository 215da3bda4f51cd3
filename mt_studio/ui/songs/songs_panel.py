"""The Songs tab: songs being written, their words and notes, versions, stamps and takes.

The words and notes of the latest version are edited in place; Save makes a new version only
when something changed, and unsaved changes are never dropped without asking. Each lyric line
shows its stamps ("take 2 at 1:05") beside it; a stamp plays the take from there. Songs saved
and takes recorded elsewhere are heard from the studio and listed.

This module ties the parts together: `songs_view` lays out the widgets, `song_list` lists the
songs, `lyrics_editor` holds the words and their stamps, `song_dialogs` the dialogs and the
questions; `song_words` and `list_rows` are small pieces they share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import QListWidgetItem, QWidget

from mt_studio.core.domain.songs import LyricStamp, Song
from mt_studio.core.domain.takes import Take
from mt_studio.core.errors import InputError, MtStudioError
from mt_studio.core.studio.songs import clean_text
from mt_studio.i18n import _
from mt_studio.ui.common.list_rows import DETAIL_ROLE, ID_ROLE, is_ticked, item_ids, set_ticked
from mt_studio.ui.common.redraw_soon import redraw_soon
from mt_studio.ui.deletion.deletion_dialog import DeletionDialog, delete_song_dialog
from mt_studio.ui.songs.song_dialogs import (
    SongDialog,
    Unsaved,
    VersionsDialog,
    ask_unsaved,
    confirm_unlink,
)
from mt_studio.ui.songs.song_words import place_words
from mt_studio.ui.songs.songs_view import SongsView

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge

# DETAIL_ROLE and Unsaved are imported from here too. The questions are looked up in this
# module when they are asked, so a test can answer them in their place.
__all__ = ["DETAIL_ROLE", "SongsPanel", "Unsaved", "ask_unsaved", "confirm_unlink"]


class SongsPanel(SongsView):
    """The songs of the library, the open session's first, and the chosen song's latest words.

    Signals: `play_requested(take_id, frame)` when a stamp is activated. Slot:
    `set_position(take_id, frame)`, the playhead the Takes tab shows, which stamps use.
    The widgets are `SongsView`'s; this class asks the studio and acts on them.
    """

    play_requested = pyqtSignal(int, int)

    def __init__(self, studio: Studio, bridge: StudioBridge | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.bridge = bridge  # the studio's events as signals (None: a panel alone, in tests)
        self.session_id: int | None = None
        self.song: Song | None = None
        self.position: tuple[int, int] | None = None  # (take id, frame)
        self.versions_dialog: VersionsDialog | None = None
        self._session_takes: list[Take] = []
        self._takes: dict[int, Take] = {}
        self._loading = False
        self._shown_position: tuple[int, str] | None = None
        self._message = ""
        # What the studio says changed is listed once the event loop comes round: once for
        # several changes, and not again after this panel's own (it lists them itself).
        self._refresh_soon = redraw_soon(self, lambda: self.studio, self.refresh)
        self._connect()
        self._show_song(None)
        if bridge is not None:
            bridge.song_changed.connect(self._song_changed)
            bridge.take_changed.connect(self._take_changed)
            bridge.attendance_changed.connect(self._attendance_changed)

    def _connect(self) -> None:
        self.song_list.currentItemChanged.connect(self._song_chosen)
        self.lyrics.textChanged.connect(self._edited)
        self.lyrics.cursorPositionChanged.connect(self._update_actions)
        self.lyrics.stamp_activated.connect(self.play_requested)
        self.notes.textChanged.connect(self._edited)
        self.take_list.itemChanged.connect(self._take_ticked)
        for button, slot in ((self.new_button, self.new_song), (self.edit_button, self.edit_song),
                             (self.versions_button, self.show_versions),
                             (self.delete_button, self.delete_song),
                             (self.stamp_button, self.stamp_line),
                             (self.play_button, self.play_line), (self.save_button, self.save)):
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
        for keys, action in ((QKeySequence.StandardKey.Save, self.save),
                             ("Ctrl+T", self.stamp_line),
                             ("Ctrl+Return", self.play_line), ("Ctrl+Enter", self.play_line)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)

    # -- the session and the list -----------------------------------------------------------

    def show_session(self, session_id: int) -> None:
        """Show the songs with SESSION_ID's first; the song being written stays open."""
        self.session_id = session_id
        self.refresh()
        if self.position and self.position[0] not in {t.id for t in self._session_takes}:
            self.set_position(None, 0)  # the playhead of a take of another session

    def refresh(self) -> None:
        """Read the songs and the session's takes again, keeping the chosen song chosen."""
        self._refresh_soon.stop()
        studio = self.studio
        self._session_takes = (studio.sessions.takes(self.session_id)
                               if self.session_id is not None else [])
        self._takes.update({t.id: t for t in self._session_takes})
        shown = studio.songs.for_session(self.session_id) if self.session_id is not None else []
        self.song_list.show_songs(shown, (t.id for t in self._session_takes))
        self._mark_chosen()
        if self.versions_dialog is not None:
            self.versions_dialog.reload()  # a new version, or new stamps on the latest
        if self.song is not None:
            self.song = self._still_there(self.song.id)
        if self.song is not None:
            self.show_heading(self.song)
            self._show_takes()
            self._show_stamps()
        self.show_session_open(self.session_id is not None)

    def select_song(self, song_id: int) -> bool:
        """Choose SONG_ID (asking about unsaved changes first); False if the person stayed."""
        rows = item_ids(self.song_list)
        if song_id not in rows:  # made elsewhere since the list was read
            self.refresh()
            rows = item_ids(self.song_list)
        if song_id in rows:
            self.song_list.setCurrentRow(rows.index(song_id))
        return self.song is not None and self.song.id == song_id

    def _song_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        song_id = item.data(ID_ROLE) if item is not None else None
        if self.song is not None and song_id == self.song.id:
            return
        if self.maybe_save():
            self._show_song(song_id)
        self._mark_chosen()  # the person stayed, or saving read the list again

    def _mark_chosen(self) -> None:
        """Make the chosen song's row the list's current row, quietly."""
        if self.song:
            self.song_list.choose_quietly(self.song.id)

    # -- the chosen song --------------------------------------------------------------------

    def _show_song(self, song_id: int | None) -> None:
        self._message = ""
        self.problem.hide()
        self.song = self.studio.songs.get(song_id) if song_id is not None else None
        if self.versions_dialog is not None:
            self.versions_dialog.close()
            self.versions_dialog.deleteLater()
            self.versions_dialog = None
        self.detail.setEnabled(self.song is not None)
        self._load_latest()
        self.show_heading(self.song)
        self._show_takes()

    def _load_latest(self, line: int = 0, column: int = 0) -> None:
        """Put the latest version's words and notes in the editors, the cursor at LINE."""
        latest = self.song.latest if self.song else None
        self._loading = True
        scroll = self.lyrics.verticalScrollBar().value()
        self.lyrics.setPlainText(latest.lyrics if latest else "")
        self.notes.setPlainText(latest.notes if latest else "")
        self._loading = False
        self.lyrics.place_cursor(line, column)
        self.lyrics.verticalScrollBar().setValue(scroll)
        self._edited()

    def _show_takes(self) -> None:
        self.show_takes(self._session_takes, set(self.song.take_ids) if self.song else set())

    def _take_ticked(self, item: QListWidgetItem) -> None:
        take_id = item.data(ID_ROLE)
        if self.song is None or take_id is None:
            return
        link = is_ticked(item)
        lost = [s for s in self.song.latest.stamps if s.take_id == take_id]
        if not link and lost and not confirm_unlink(self, self._take(take_id).number,
                                                    len(lost)):
            self.take_list.blockSignals(True)
            set_ticked(item, True)
            self.take_list.blockSignals(False)
            return
        songs = self.studio.songs
        if self._change(lambda: (songs.link_take if link else songs.unlink_take)(
                self.song.id, take_id)) is None:
            self._show_takes()  # refused: the tick goes back to what is stored
            return
        self.refresh()
        words = (_("Take {number} is linked to this song.") if link
                 else _("Take {number} is no longer linked to this song."))
        self._say(words.format(number=self._take(take_id).number))

    # -- editing and saving -----------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        """True when the words or notes differ from the latest saved version."""
        if self.song is None:
            return False
        latest = self.song.latest
        try:
            return (clean_text(self.lyrics.toPlainText(), _("The lyrics")),
                    clean_text(self.notes.toPlainText(), _("The notes"))) != (
                latest.lyrics, latest.notes)
        except InputError:
            return True  # text the core would refuse is certainly not what was saved

    def maybe_save(self) -> bool:
        """Ask about unsaved changes and do what the person chose; False if they stayed."""
        if not self.has_unsaved_changes():
            return True
        choice = ask_unsaved(self, self.song.title)
        if choice is Unsaved.SAVE:
            return self.save()
        if choice is Unsaved.DISCARD:
            self._load_latest()
            return True
        return False

    def save(self) -> bool:
        """Save the words and notes as a new version if they changed; False if refused."""
        if self.song is None:
            return True
        before = self.song.latest
        cursor = self.lyrics.textCursor()
        line, column = self.lyrics.saved_line(cursor.blockNumber()), cursor.positionInBlock()
        saved = self._change(lambda: self.studio.songs.save(
            self.song.id, self.lyrics.toPlainText(), self.notes.toPlainText()))
        if saved is None:
            return False
        self.refresh()
        self._load_latest(line, column)
        if saved.id == before.id:
            self._say(_("Nothing changed, so no new version was made."))
        else:
            self._say(_("Saved as version {number}.").format(number=saved.number))
        return True

    def _edited(self) -> None:
        if self._loading:
            return
        self.save_button.setEnabled(self.has_unsaved_changes())
        self._show_state()
        self._show_stamps()
        self._update_actions()

    # -- stamps -----------------------------------------------------------------------------

    def set_position(self, take_id: int | None, frame: int) -> None:
        """The playhead moved to FRAME of take TAKE_ID (None: no take chosen)."""
        try:
            known = take_id is not None and self._take(take_id) is not None
        except MtStudioError:
            known = False  # a take gone from the library: nothing to stamp in
        self.position = (take_id, max(0, frame)) if known else None
        take_id = take_id if known else None
        shown = (take_id, self._where(take_id, frame)) if take_id is not None else None
        if shown != self._shown_position:  # the label changes about once a second
            self._shown_position = shown
            self._update_actions()

    def stamp_line(self) -> None:
        """Stamp the line under the text cursor at the playhead; saves unsaved words first."""
        if self.song is None or self.position is None:
            return
        if not self.lyrics.textCursor().block().text().strip():
            self.show_problem(_("The cursor is on an empty line. Put it on a line with words."))
            return
        saved_first = self.has_unsaved_changes()
        if saved_first and not self.save():
            return
        take_id, frame = self.position
        line = self.lyrics.textCursor().blockNumber()
        stamped = self._change(lambda: self.studio.songs.stamp(self.song.latest.id, line,
                                                               take_id, frame))
        if stamped is not None:
            self.refresh()
            said = _("Line {line} is stamped: {where}.").format(
                line=line + 1, where=self._where(take_id, frame))
            self._say(f"{self._message} {said}" if saved_first else said)

    def play_line(self) -> None:
        """Play from the stamp beside the cursor's line (in the playhead's take if it has one)."""
        shown = self.lyrics.cursor_stamps()
        if not shown:
            return
        playing = self.position[0] if self.position else None
        stamp = next((s for s in shown if s.take_id == playing), shown[0])
        self.play_requested.emit(stamp.take_id, stamp.frame)

    def describe(self, stamp: LyricStamp) -> str:
        """A stamp in words: "take 2 at 1:05" (with the day, for another session's take)."""
        return self._where(stamp.take_id, stamp.frame)

    def _where(self, take_id: int, frame: int) -> str:
        return place_words(self._take(take_id), frame, self.session_id)

    def _take(self, take_id: int) -> Take:
        if take_id not in self._takes:
            self._takes[take_id] = self.studio.listening.take(take_id)
        return self._takes[take_id]

    def _show_stamps(self) -> None:
        """Beside each line, the stamps it has, or will keep when the changes are saved."""
        if self.song is None:
            self.lyrics.set_stamps({})
            return
        self.lyrics.show_kept_stamps(self.song.latest, self.describe)

    def _update_actions(self) -> None:
        self.show_stamping(self.song is not None,
                           self._where(*self.position) if self.position else None,
                           bool(self.lyrics.cursor_stamps()))

    # -- dialogs ----------------------------------------------------------------------------

    def new_song(self) -> SongDialog | None:
        """Ask for a new song's title and writers (after any unsaved changes), and open it."""
        if self.session_id is None or not self.maybe_save():
            return None
        return self._open_song_dialog(None)

    def edit_song(self) -> SongDialog | None:
        """Change the chosen song's title and writers."""
        return None if self.song is None else self._open_song_dialog(self.song)

    def delete_song(self) -> DeletionDialog | None:
        """Open the dialog that shows what deleting the chosen song removes and deletes it
        (its unsaved changes with it); the dialog, or None with no song."""
        if self.song is None:
            return None
        dialog = delete_song_dialog(self.studio, self.song.id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._song_deleted)
        dialog.open()
        return dialog

    def _song_deleted(self) -> None:
        self._show_song(None)
        self.refresh()

    def _still_there(self, song_id: int) -> Song | None:
        """Song SONG_ID read again, or None (and no song shown) once it is deleted."""
        try:
            return self.studio.songs.get(song_id)
        except InputError:
            self._show_song(None)
            return None

    def show_versions(self) -> VersionsDialog | None:
        """Show the chosen song's versions, read-only, beside the editor."""
        if self.song is None:
            return None
        if self.versions_dialog is None:
            self.versions_dialog = VersionsDialog(self.studio, self.song.id, self.describe,
                                                  self)
            self.versions_dialog.lyrics.stamp_activated.connect(self.play_requested)
        self.versions_dialog.show()
        self.versions_dialog.raise_()
        return self.versions_dialog

    def _open_song_dialog(self, song: Song | None) -> SongDialog:
        """Open SongDialog on SONG (None: a new song), offering as writers those present and
        the chosen song's writers."""
        present = (self.studio.sessions.get(self.session_id).participants
                   if self.session_id is not None else ())
        people = {p.id: p for p in (*present, *(self.song.writers if self.song else ()))}
        dialog = SongDialog(self.studio, sorted(people.values(),
                                                 key=lambda p: p.pseudonym.casefold()), song, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._song_dialog_done(dialog.song_id))
        dialog.open()
        return dialog

    def _song_dialog_done(self, song_id: int | None) -> None:
        self.refresh()
        if song_id is not None and (self.song is None or self.song.id != song_id):
            self.select_song(song_id)
            self._say(_("The song is ready. Write the words in Lyrics."))
            self.lyrics.setFocus()

    # -- helpers ----------------------------------------------------------------------------

    def _change(self, action):
        """ACTION() (a change through the studio), and its result; a refusal is shown, and
        None returned, instead of raised."""
        try:
            result = action()
        except MtStudioError as error:
            self.show_problem(str(error))
            return None
        self.problem.hide()
        return result

    # -- what the studio says changed ---------------------------------------------------------

    def _song_changed(self, _song_id: int) -> None:
        self._refresh_soon.start()

    def _take_changed(self, take_id: int, session_id: int) -> None:
        known = self._takes.pop(take_id, None) is not None  # its name or length may be new
        if known or session_id == self.session_id:
            self._refresh_soon.start()

    def _attendance_changed(self, session_id: int) -> None:
        if session_id == self.session_id:
            self._refresh_soon.start()  # the songs of those present are listed

    def _say(self, message: str) -> None:
        self._message = message
        self.problem.hide()
        self._show_state()

    def _show_state(self) -> None:
        self.show_state(self.has_unsaved_changes(), self._message, self.song is not None)
