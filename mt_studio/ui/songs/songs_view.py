"""The Songs tab's widgets, where they sit, and how they show what they are told.

`SongsView` has no behaviour of its own: `SongsPanel` asks the studio, acts on the widgets'
signals, and tells the view what to show.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain.songs import Song
from mt_studio.core.domain.takes import Take
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.list_rows import inert_item, tick_item
from mt_studio.ui.songs.lyrics_editor import LyricsEditor, scaled_font, set_up_text
from mt_studio.ui.songs.song_list import SongList
from mt_studio.ui.songs.song_words import plain_label, saved_words, take_words

Part = QWidget | QLayout | tuple[QWidget | QLayout, int]  # a widget or layout, or (it, stretch)


def button(text: str, name: str, tip: str) -> QPushButton:
    """A button showing TEXT, with accessible NAME and tooltip TIP."""
    made = QPushButton(text)
    made.setAccessibleName(name)
    made.setToolTip(tip)
    return made


def add_parts(box: QVBoxLayout | QHBoxLayout, parts: tuple[Part, ...]) -> None:
    """Add PARTS to BOX in order, each with its stretch (0 unless given)."""
    for part in parts:
        part, stretch = part if isinstance(part, tuple) else (part, 0)
        if isinstance(part, QLayout):
            box.addLayout(part, stretch)
        else:
            box.addWidget(part, stretch)


def column(*parts: Part) -> QWidget:
    """A widget holding PARTS top to bottom, without margins."""
    widget = QWidget()
    box = QVBoxLayout(widget)
    box.setContentsMargins(0, 0, 0, 0)
    add_parts(box, parts)
    return widget


def row(*parts: Part) -> QHBoxLayout:
    """A layout holding PARTS side by side."""
    box = QHBoxLayout()
    add_parts(box, parts)
    return box


def splitter(*widgets: QWidget) -> QSplitter:
    """WIDGETS side by side, split by handles that never collapse them."""
    split = QSplitter(Qt.Orientation.Horizontal)
    for widget in widgets:
        split.addWidget(widget)
    split.setChildrenCollapsible(False)
    return split


class SongsView(QWidget):
    """The song list, and the chosen song's heading, lyrics, notes, takes, stamps and status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.song_list = SongList()
        self.new_button = button(_("New song…"), _("New song"),
                                 _("Start a song: its title and who writes it."))

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        title_font = scaled_font(self.title.font(), 1.4)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.details = plain_label()
        self.edit_button = button(_("Title and writers…"), _("Title and writers"),
                                  _("Change the song's title or who writes it."))
        self.versions_button = button(
            _("Earlier versions…"), _("Earlier versions"),
            _("Look at every saved version of the words and notes, and when it was saved."))
        self.delete_button = button(
            _("Delete song…"), _("Delete this song"),
            _("Delete the song's words and notes in every version, after showing exactly what "
              "goes; its takes stay."))
        heading = QGridLayout()
        heading.addWidget(self.title, 0, 0)
        heading.addWidget(self.details, 1, 0)
        heading.addWidget(self.edit_button, 0, 1)
        heading.addWidget(self.versions_button, 1, 1)
        heading.addWidget(self.delete_button, 0, 2)
        heading.setColumnStretch(0, 1)

        self.lyrics = LyricsEditor()
        self.lyrics.setPlaceholderText(_("Write the words here, one line per sung line."))
        self.notes = QPlainTextEdit()
        set_up_text(self.notes, _("Notes"))
        self.notes.setPlaceholderText(_("Chords, ideas, what to try next time."))
        self.take_list = QListWidget()
        self.take_list.setAccessibleName(_("Takes of this session linked to the song"))
        self.take_list.setToolTip(_("Tick a take to link it to this song, untick it to unlink "
                                    "it. Space ticks the chosen take."))
        self.other_takes = QLabel()
        self.other_takes.setWordWrap(True)
        texts = splitter(column(QLabel(_("Lyrics")), (self.lyrics, 1)),
                         column(QLabel(_("Notes")), (self.notes, 2),
                                QLabel(_("Takes in this session")), (self.take_list, 1),
                                self.other_takes))
        texts.setStretchFactor(0, 2)
        texts.setStretchFactor(1, 1)

        self.stamp_button = button(_("Stamp this line"), _("Stamp this line"), "")
        self.play_button = button(_("Play from this line"), _("Play from this line"), "")
        self.position_label = QLabel()
        self.position_label.setWordWrap(True)
        self.save_button = button(
            _("Save"), _("Save the words and notes"),
            _("Save the words and notes as a new version (Ctrl+S). Earlier versions are kept."))
        self.state = plain_label()
        self.state.setAccessibleName(_("Save status"))
        self.problem = plain_label()
        self.problem.setStyleSheet("color: #8b0000; font-weight: bold;")
        self.problem.setAccessibleName(_("Problem"))
        self.problem.hide()

        self.detail = column(heading, (texts, 1),
                             row(self.stamp_button, self.play_button, (self.position_label, 1)),
                             row(self.save_button, (self.state, 1)), self.problem)
        split = splitter(column(QLabel(_("Songs")), (self.song_list, 1), self.new_button),
                         self.detail)
        split.setStretchFactor(1, 4)
        line = self.fontMetrics().height()
        split.setSizes([line * 17, line * 60])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        chain = [self.song_list, self.new_button, self.edit_button, self.versions_button,
                 self.lyrics, self.lyrics.column, self.stamp_button, self.play_button,
                 self.notes, self.take_list, self.save_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def show_heading(self, song: Song | None) -> None:
        """Show SONG's title, writers and latest version above its words (or that none is)."""
        if song is None:
            self.title.setText(_("No song chosen"))
            self.details.setText(_("Choose a song on the left, or start a new one."))
            return
        writers = ", ".join(p.pseudonym for p in song.writers)
        version = (_("Version {number} of {number}, saved {when}") if song.latest.number > 1
                   else _("Version 1 (the only version so far), saved {when}"))
        self.title.setText(song.title)
        self.details.setText("\n".join([
            _("Written by {names}").format(names=writers) if writers
            else _("No writers named yet"),
            version.format(number=song.latest.number, when=saved_words(song.latest))]))

    def show_takes(self, session_takes: list[Take], linked: set[int]) -> None:
        """Tick the SESSION_TAKES whose ids are LINKED (quietly); count the others linked."""
        self.take_list.blockSignals(True)
        self.take_list.clear()
        for take in session_takes:
            self.take_list.addItem(tick_item(take_words(take), take.id, take.id in linked))
        if not session_takes:
            self.take_list.addItem(inert_item(QListWidgetItem(_("No takes in this session yet."))))
        self.take_list.blockSignals(False)
        elsewhere = len(linked - {t.id for t in session_takes})
        self.other_takes.setText(ngettext(
            "Also linked to {n} take of other sessions.",
            "Also linked to {n} takes of other sessions.", elsewhere).format(n=elsewhere)
            if elsewhere else "")
        self.other_takes.setVisible(bool(elsewhere))

    def show_session_open(self, is_open: bool) -> None:
        """Offer a new song only while a session IS_OPEN (its people are the writers)."""
        self.new_button.setEnabled(is_open)
        self.new_button.setToolTip(_("Start a song: its title and who writes it.") if is_open
                                   else _("Open a session first."))

    def show_stamping(self, song_chosen: bool, where: str | None, has_stamp: bool) -> None:
        """Offer to stamp the cursor's line at WHERE (the playhead in words; None: no take), if
        a song is chosen, and to play from its stamp if it HAS_STAMP."""
        if not song_chosen:
            why_not = _("Choose a song first.")
        elif where is None:
            why_not = _("No take to stamp: choose a take in the Takes tab and play it or move "
                        "its playhead. The line under the cursor is then stamped at that moment.")
        else:
            why_not = ""
        self.stamp_button.setEnabled(not why_not)
        self.stamp_button.setToolTip(why_not or _(
            "Stamp the line under the cursor at {where} (Ctrl+T). Stamping it again moves the "
            "stamp.").format(where=where))
        self.position_label.setText(_("Playhead: {where}").format(where=where) if where
                                    else _("No take is playing."))
        self.play_button.setEnabled(has_stamp)
        self.play_button.setToolTip(
            _("Play the take from this line's stamp (Ctrl+Enter).") if has_stamp
            else _("This line has no stamp yet. Stamp it while a take plays."))

    def show_state(self, unsaved: bool, said: str, song_chosen: bool) -> None:
        """Say there are UNSAVED changes, in bold; or else SAID, or that everything is saved."""
        font = self.font()
        font.setBold(unsaved)
        self.state.setFont(font)
        self.state.setText(_("Unsaved changes. Save keeps them as a new version.") if unsaved
                           else said or (_("Everything is saved.") if song_chosen else ""))

    def show_problem(self, message: str) -> None:
        """Show what went wrong, in MESSAGE, until the next change or message."""
        self.problem.setText(message)
        self.problem.show()

    def message(self) -> str:
        """What the panel says now: a problem if there is one, else the save status."""
        return self.problem.text() if self.problem.isVisibleTo(self) else self.state.text()
