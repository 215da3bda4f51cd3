"""The Songs tab's dialogs (a song's title and writers, its earlier versions) and questions."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain import Participant
from mt_studio.core.domain.songs import LyricStamp, Song
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.applying_dialog import ApplyingDialog
from mt_studio.ui.common.dialog_buttons import ok_cancel, translate
from mt_studio.ui.common.list_rows import (
    ID_ROLE,
    TwoLineList,
    is_ticked,
    item_ids,
    items,
    set_ticked,
    tick_item,
    two_line_item,
)
from mt_studio.ui.songs.lyrics_editor import LyricsEditor, make_read_only, set_up_text
from mt_studio.ui.songs.song_words import plain_label, saved_words

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio

Role = QMessageBox.ButtonRole


class Unsaved(enum.Enum):
    """What to do with changes not saved yet."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def ask(parent: QWidget, title: str, text: str, answers: list[tuple[str, Role]],
        default: int, escape: int, informative: str = "") -> int | None:
    """Ask a question with ANSWERS (words, role) and wait; the index of the answer clicked.

    DEFAULT and ESCAPE are the indexes of the answers Enter and Escape give.
    """
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    if informative:
        box.setInformativeText(informative)
    buttons = [box.addButton(words, role) for words, role in answers]
    for button in buttons:
        button.setAccessibleName(button.text())
    box.setDefaultButton(buttons[default])
    box.setEscapeButton(buttons[escape])
    box.exec()
    return next((i for i, button in enumerate(buttons) if button is box.clickedButton()), None)


def ask_unsaved(parent: QWidget, title: str) -> Unsaved:
    """Ask whether to save, discard or keep the unsaved changes to the song TITLE."""
    answer = ask(parent, _("Unsaved changes"),
                 _("“{title}” has changes that are not saved yet.").format(title=title),
                 [(_("Save"), Role.AcceptRole),
                  (_("Throw away the changes"), Role.DestructiveRole),
                  (_("Go back to the song"), Role.RejectRole)],
                 default=0, escape=2,
                 informative=_("Save them as a new version, or throw them away?"))
    return {0: Unsaved.SAVE, 1: Unsaved.DISCARD}.get(answer, Unsaved.CANCEL)


def confirm_unlink(parent: QWidget, take_number: int, stamp_count: int) -> bool:
    """Ask before unlinking take TAKE_NUMBER takes STAMP_COUNT stamps off the lyrics."""
    return ask(parent, _("Unlink the take?"), ngettext(
        "One line is stamped in take {number}. Unlinking the take removes that stamp from "
        "the latest version (earlier versions keep theirs).",
        "{n} lines are stamped in take {number}. Unlinking the take removes those stamps from "
        "the latest version (earlier versions keep theirs).", stamp_count).format(
            n=stamp_count, number=take_number),
        [(_("Unlink"), Role.AcceptRole), (_("Keep it linked"), Role.RejectRole)],
        default=1, escape=1) == 0


class SongDialog(ApplyingDialog):
    """A new song's title and writers (SONG None), or a song's, from PEOPLE by pseudonym."""

    def __init__(self, studio: Studio, people: list[Participant], song: Song | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Title and writers") if song else _("New song"), parent)
        self.studio = studio
        self.song = song
        self.song_id = song.id if song else None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit(song.title if song else "")
        self.title.setAccessibleName(_("Song title"))
        self.title.setPlaceholderText(_("A working title is fine"))
        form.addRow(_("Title"), self.title)
        self.writers = QListWidget()
        self.writers.setAccessibleName(_("Writers"))
        self.writers.setToolTip(_("Tick everyone who writes this song. Space ticks the chosen "
                                  "name."))
        chosen = set(song.writer_ids) if song else set()
        for person in people:
            self.writers.addItem(tick_item(person.pseudonym, person.id, person.id in chosen))
        self.writers.setMaximumHeight(self.fontMetrics().height() * 8)
        form.addRow(_("Written by"), self.writers)
        layout.addLayout(form)
        if not people:
            note = QLabel(_("Nobody is checked in to this session, so no writers can be chosen "
                            "yet."))
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, _("Save") if song else _("Create song")))

    def set_writers(self, participant_ids: list[int]) -> None:
        """Tick exactly these people as writers."""
        for item in items(self.writers):
            set_ticked(item, item.data(ID_ROLE) in participant_ids)

    def _apply(self) -> None:
        writers = [item.data(ID_ROLE) for item in items(self.writers) if is_ticked(item)]
        if self.song is None:
            self.song_id = self.studio.songs.create(self.title.text(), writers).id
        else:
            self.studio.songs.edit(self.song.id, self.title.text(), writers)


class VersionsDialog(QDialog):
    """Every version of a song, newest first, each shown read-only with when it was saved."""

    def __init__(self, studio: Studio, song_id: int, describe: Callable[[LyricStamp], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.song_id = song_id
        self.describe = describe
        self.list = TwoLineList(_("Versions"))
        self.list.currentItemChanged.connect(self._show_chosen)
        self.heading = plain_label()
        self.lyrics = LyricsEditor(keep_room=False)
        make_read_only(self.lyrics)
        self.lyrics.setAccessibleName(_("Lyrics of this version (read only)"))
        self.notes = QPlainTextEdit()
        make_read_only(self.notes)
        set_up_text(self.notes, _("Notes of this version (read only)"))
        self.notes.setMaximumHeight(self.notes.fontMetrics().height() * 6)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate(buttons)
        buttons.rejected.connect(self.reject)
        shown = QVBoxLayout()
        shown.addWidget(self.heading)
        shown.addWidget(self.lyrics, 1)
        shown.addWidget(QLabel(_("Notes")))
        shown.addWidget(self.notes)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(shown, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        line = self.fontMetrics().height()
        self.resize(line * 50, line * 32)
        self.reload()

    def reload(self) -> None:
        """Read the versions again (after a save), keeping the chosen one chosen."""
        song = self.studio.songs.get(self.song_id)
        self.setWindowTitle(_("Versions of “{title}”").format(title=song.title))
        chosen = self.list.currentItem().data(ID_ROLE) if self.list.currentItem() else None
        self._versions = {v.number: v for v in self.studio.songs.versions(self.song_id)}
        latest = max(self._versions)
        self.list.blockSignals(True)
        self.list.clear()
        for number in sorted(self._versions, reverse=True):
            words = (_("Version {number} (latest)") if number == latest
                     else _("Version {number}")).format(number=number)
            item = two_line_item(words, saved_words(self._versions[number]), number)
            self.list.addItem(item)
            if number == chosen:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None:
            self.list.setCurrentRow(0)
        self._show_chosen()

    def show_version(self, number: int) -> None:
        """Show version NUMBER."""
        shown = item_ids(self.list)
        if number in shown:
            self.list.setCurrentRow(shown.index(number))

    def _show_chosen(self, *_changed: object) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        version = self._versions[item.data(ID_ROLE)]
        self.heading.setText(_("Version {number} of {count}, saved {when}. Saved versions stay "
                               "as they were: to change the words, use the Songs tab.").format(
            number=version.number, count=len(self._versions), when=saved_words(version)))
        self.lyrics.setPlainText(version.lyrics)
        self.notes.setPlainText(version.notes)
        self.lyrics.show_stamps(version.stamps, self.describe)
