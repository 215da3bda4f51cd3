"""The chosen take's heading: its title, Name and note…, Export…, Delete take…, and the take's
note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from mt_studio.core.domain.takes import Take
from mt_studio.i18n import _
from mt_studio.ui.common.take_words import length_words
from mt_studio.ui.takes.take_list import status_words
from mt_studio.ui.takes.take_naming import TakeNameDialog, take_title

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


class TakeHeading(QWidget):
    """The take's title (name or number, length and status) beside Name and note…, Export…
    (whose menu the takes view gives it) and Delete take…, and the take's note below, when it
    has one.

    `named(take)` once the person saved a take's new name or note.
    """

    named = pyqtSignal(object)

    def __init__(self, studio: Studio, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.title = QLabel(_("No take chosen"))
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.export_button = QToolButton()
        self.export_button.setText(_("Export…"))
        self.export_button.setAccessibleName(_("Export this take"))
        self.export_button.setToolTip(_(
            "Share this take, its loop or some of its tracks, as a mix or as stems, with "
            "everyone heard and their consent shown first. The arrow shows for whom it may "
            "be shared."))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.export_button.setEnabled(False)
        self.name_button = QPushButton(_("Name and note…"))
        self.name_button.setAccessibleName(_("Name this take and give it a note"))
        self.name_button.setToolTip(_("Give the take a name and a note (F2)."))
        self.name_button.setEnabled(False)
        self.delete_button = QPushButton(_("Delete take…"))
        self.delete_button.setAccessibleName(_("Delete this take"))
        self.delete_button.setToolTip(_("Delete the take and every file made from it, after "
                                        "showing exactly what goes and the exports to ask "
                                        "back."))
        self.delete_button.setEnabled(False)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setAccessibleName(_("Note about the take"))
        self.note.hide()
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.name_button)
        heading.addWidget(self.export_button)
        heading.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addWidget(self.note)

    def show_title(self, take: Take) -> None:
        """TAKE's name or number, length and status, or that it has no sound yet."""
        if not take.frames:
            self.title.setText(_("{take} has no sound yet ({status}).").format(
                take=take_title(take), status=status_words(take)))
            return
        self.title.setText(_("{take} – {length} – {status}").format(
            take=take_title(take), length=length_words(take.frames, take.samplerate),
            status=status_words(take)))

    def show_note(self, take: Take | None) -> None:
        """TAKE's note, hidden when it has none."""
        self.note.setText(take.note if take is not None else "")
        self.note.setVisible(bool(take is not None and take.note))

    def name_take(self, take: Take) -> TakeNameDialog:
        """Open the dialog that names TAKE and gives it a note; the dialog (window-modal)."""
        dialog = TakeNameDialog(self.studio, take, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._named)
        dialog.open()
        return dialog

    def _named(self) -> None:
        self.named.emit(self.sender().saved)
