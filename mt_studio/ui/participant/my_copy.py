""""My copy": one of a participant's takes written to a folder they choose, WAV or MP3, in a
worker through the studio's export gate (docs/architecture.md, "Shared"); the result, or the
refusal's words (which name nobody), shown."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PyQt6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QVBoxLayout, QWidget

from mt_studio.core.errors import MtStudioError
from mt_studio.core.presets.model import AudioFormat
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.worker import Worker, run_in_worker
from mt_studio.ui.participant.big_type import big_button, words
from mt_studio.ui.participant.my_words import cannot_now

if TYPE_CHECKING:
    from mt_studio.core.studio.participant_studio import CopyMade, ParticipantStudio

log = logging.getLogger(__name__)


def choose_folder(parent: QWidget) -> Path | None:
    """Ask where the copy goes; None if nothing was chosen. (Looked up here when asked, so
    that a test can answer in its place.)"""
    # Read-only: from here a participant can look for a place, not rename or remove anything.
    chosen = QFileDialog.getExistingDirectory(
        parent, _("Where should your copy go?"), "",
        QFileDialog.Option.ShowDirsOnly | QFileDialog.Option.ReadOnly)
    return Path(chosen) if chosen else None


class MyCopy(QWidget):
    """The "My copy" button and its format for the take chosen (`set_take`)."""

    def __init__(self, mine: ParticipantStudio, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mine = mine
        self.take_id: int | None = None
        self.worker: Worker | None = None
        self.button = big_button(_("My copy…"), _("Make my own copy of this take"),
                                 _("Write the take as a sound file into a folder you choose, "
                                   "for example on your memory stick."))
        self.button.clicked.connect(self.make_copy)
        self.format = QComboBox()
        self.format.setAccessibleName(_("Sound file type of the copy"))
        self.format.setToolTip(_("MP3 is small and plays everywhere; WAV is exactly as "
                                 "recorded."))
        self.format.addItem(_("MP3"), AudioFormat.MP3)
        self.format.addItem(_("WAV"), AudioFormat.WAV)
        self.result = words("", _("How the copy went"))
        line = QHBoxLayout()
        line.addWidget(self.button, 2)
        line.addWidget(self.format, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(line)
        layout.addWidget(self.result)
        self.set_take(None)

    def set_take(self, take_id: int | None) -> None:
        """Copy TAKE_ID (None: nothing to copy)."""
        if take_id != self.take_id:
            self.result.setText("")
        self.take_id = take_id
        self._show()

    def make_copy(self, *_checked: object) -> None:
        """Ask for a folder, then write the copy there in a worker."""
        take_id = self.take_id
        if take_id is None or self.copying:
            return
        folder = choose_folder(self)
        if folder is None:
            return
        chosen = self.format.currentData()
        mine = self._mine

        def work(report) -> CopyMade | str:
            """The copy made, or what went wrong in words."""
            try:
                return mine.sharing.my_copy(take_id, folder, format=chosen, progress=report)
            except MtStudioError as error:  # worded without anyone's name by the studio
                return str(error)
            except Exception:
                log.exception("the participant's copy failed")
                return cannot_now()

        self.result.setText(_("Making your copy…"))
        self.worker = run_in_worker(self, work, done=self._done, progress=self._progress,
                                    thread="mt-studio-export")
        self._show()

    @property
    def copying(self) -> bool:
        """Whether a copy is being made."""
        return self.worker is not None and self.worker.running

    def _progress(self, fraction: float) -> None:
        self.result.setText(_("Making your copy… {percent} %").format(
            percent=round(float(fraction) * 100)))

    def _done(self, made: CopyMade | str) -> None:
        self.worker = None
        if isinstance(made, str):
            self.result.setText(made)
        else:
            self.result.setText(ngettext(
                "Your copy is ready: one file in {folder}",
                "Your copy is ready: {n} files in {folder}", made.files).format(
                n=made.files, folder=made.folder))
        self._show()

    def _show(self) -> None:
        usable = self.take_id is not None and not self.copying
        self.button.setEnabled(usable)
        self.format.setEnabled(usable)
