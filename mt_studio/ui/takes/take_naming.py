"""What a take is called (its name, or "Take 3", or "Loop 3" for a looper's), and the dialog
that names a take and gives it a note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtWidgets import QFormLayout, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from mt_studio.core.domain.takes import MAX_NAME_LENGTH, Take
from mt_studio.i18n import _
from mt_studio.ui.common.applying_dialog import ApplyingDialog
from mt_studio.ui.common.dialog_buttons import ok_cancel

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


def numbered(take: Take) -> str:
    """The take by its number: "Take 3", or "Loop 3" for a looper's take."""
    if take.is_loop:
        return _("Loop {number}").format(number=take.number)
    return _("Take {number}").format(number=take.number)


def take_title(take: Take) -> str:
    """What the take is called in lists and headings: its name with its number, or its number."""
    if not take.name:
        return numbered(take)
    if take.is_loop:
        return _("{name} (loop {number})").format(name=take.name, number=take.number)
    return _("{name} (take {number})").format(name=take.name, number=take.number)


def note_line(take: Take) -> str:
    """The first line of the take's note, to show under it in a list ("" without a note)."""
    return take.note.splitlines()[0] if take.note else ""


class TakeNameDialog(ApplyingDialog):
    """Name TAKE and give it a note; OK keeps both (`saved` is then the take as kept)."""

    def __init__(self, studio: Studio, take: Take, parent: QWidget | None = None) -> None:
        super().__init__(_("Name and note of {take}").format(take=numbered(take)), parent)
        self.studio = studio
        self.take_id = take.id
        self.saved: Take | None = None
        self.name = QLineEdit(take.name or "")
        self.name.setMaxLength(MAX_NAME_LENGTH)
        self.name.setPlaceholderText(numbered(take))
        self.name.setAccessibleName(_("Name of the take"))
        self.name.setToolTip(_("A name to find the take by, for example Chorus idea. Leave it "
                               "empty to call it by its number."))
        self.note = QPlainTextEdit(take.note)
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName(_("Note about the take"))
        self.note.setToolTip(_("Kept in the library with the take; never exported."))
        self.note.setMinimumHeight(self.fontMetrics().height() * 5)
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Note"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, _("Save")))
        self.resize(self.fontMetrics().averageCharWidth() * 60, self.sizeHint().height())

    def _apply(self) -> None:
        self.saved = self.studio.listening.describe(self.take_id, self.name.text(),
                                                    self.note.toPlainText())
